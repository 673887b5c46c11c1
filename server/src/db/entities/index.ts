export * from './enums.js';
export { Amendment } from './Amendment.js';
export { AmendmentPosition, Stance } from './AmendmentPosition.js';
export { ChangeEvent } from './ChangeEvent.js';
export { Comment } from './Comment.js';
export { Declaration } from './Declaration.js';
export { DocSnapshot } from './DocSnapshot.js';
export { DocUpdate } from './DocUpdate.js';
export { ExplanationOfPosition } from './ExplanationOfPosition.js';
export { Paragraph } from './Paragraph.js';
export { Revision, type RevisionParagraphRecord } from './Revision.js';
export { Participant } from './Participant.js';
export { Section } from './Section.js';

import { Amendment } from './Amendment.js';
import { AmendmentPosition } from './AmendmentPosition.js';
import { ChangeEvent } from './ChangeEvent.js';
import { Comment } from './Comment.js';
import { Declaration } from './Declaration.js';
import { DocSnapshot } from './DocSnapshot.js';
import { DocUpdate } from './DocUpdate.js';
import { ExplanationOfPosition } from './ExplanationOfPosition.js';
import { Paragraph } from './Paragraph.js';
import { Revision } from './Revision.js';
import { Participant } from './Participant.js';
import { Section } from './Section.js';

/** Every entity, for the ORM's discovery. */
export const ENTITIES = [
  Declaration,
  Participant,
  Section,
  Paragraph,
  Comment,
  ChangeEvent,
  DocUpdate,
  DocSnapshot,
  Revision,
  Amendment,
  AmendmentPosition,
  ExplanationOfPosition,
];
