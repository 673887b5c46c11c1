import { registerEnumType } from 'type-graphql';
import { ChangeKind, DeclarationStatus, ParagraphStatus, Role } from '../../db/entities/enums.js';

registerEnumType(Role, { name: 'Role', description: 'What a participant may do: see the permission table in DESIGN.md.' });
registerEnumType(DeclarationStatus, { name: 'DeclarationStatus' });
registerEnumType(ParagraphStatus, { name: 'ParagraphStatus' });
registerEnumType(ChangeKind, { name: 'ChangeKind' });

export { ChangeKind, DeclarationStatus, ParagraphStatus, Role };
