/** Sections: the parts of a declaration, in order. */
import { authorize } from '../auth/policy.js';
import { ChangeKind, Section } from '../db/entities/index.js';
import { badInput } from '../errors.js';
import { recordChange } from './recordChange.js';
import type { Command } from './command.js';
import { actorName } from './declarations.js';
import { isId, lockDeclarationOf } from './lookup.js';
import { requiredText } from './validation.js';

export interface AddSectionProps {
  declarationId: string;
  title: string;
  /** Insert after this section; absent: last. */
  afterSectionId?: string | null;
}

/** Adds a section; later sections move down one position. */
export async function addSection(command: Command, props: AddSectionProps): Promise<Section> {
  const declaration = await lockDeclarationOf(command, 'section.add', 'declaration', props.declarationId);
  authorize(command.viewer, 'section.add', { declaration });
  const title = requiredText('title', props.title, command.limits.titleChars);
  const sections = await command.em.find(Section, { declaration: declaration.id }, { orderBy: { position: 'asc' } });
  let position = sections.length + 1;
  if (props.afterSectionId != null) {
    const after = isId(props.afterSectionId) ? sections.find((s) => s.id === props.afterSectionId) : undefined;
    if (!after) throw badInput(`afterSectionId ${JSON.stringify(props.afterSectionId)} is not a section of this declaration`, {
      field: 'afterSectionId',
    });
    position = after.position + 1;
  }
  for (const section of sections) if (section.position >= position) section.position += 1;
  const section = command.em.create(Section, { declaration: declaration.id, title, position });
  recordChange(command, declaration, {
    kind: ChangeKind.SECTION_ADDED,
    summary: `${actorName(command)} added section ${position} "${title}"`,
  });
  await command.em.flush();
  return section;
}
