import { registerEnumType } from 'type-graphql';
import { AmendmentStatus, ChangeKind, DeclarationStatus, ParagraphStatus, Role } from '../../db/entities/enums.js';

registerEnumType(Role, { name: 'Role', description: 'What a participant may do: see the permission table in DESIGN.md.' });
registerEnumType(DeclarationStatus, { name: 'DeclarationStatus' });
registerEnumType(ParagraphStatus, { name: 'ParagraphStatus' });
registerEnumType(ChangeKind, { name: 'ChangeKind' });
registerEnumType(AmendmentStatus, { name: 'AmendmentStatus' });

export enum DiffOp {
  EQUAL = 'EQUAL',
  INSERT = 'INSERT',
  DELETE = 'DELETE',
}
registerEnumType(DiffOp, { name: 'DiffOp' });

export enum ParagraphChange {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  MODIFIED = 'MODIFIED',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(ParagraphChange, { name: 'ParagraphChange' });

export enum ExportFormat {
  MARKDOWN = 'MARKDOWN',
  HTML = 'HTML',
  AKOMA_NTOSO = 'AKOMA_NTOSO',
  COMPILATION = 'COMPILATION',
}
registerEnumType(ExportFormat, { name: 'ExportFormat' });

export { AmendmentStatus, ChangeKind, DeclarationStatus, ParagraphStatus, Role };
