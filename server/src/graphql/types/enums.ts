import { registerEnumType } from 'type-graphql';
import { AmendmentStatus, ChangeKind, DeclarationStatus, ParagraphStatus, Role } from '../../db/entities/enums.js';

registerEnumType(Role, {
  name: 'Role',
  description: "What a participant may do (DESIGN.md's permission table); anything a role may not do is FORBIDDEN.",
  valuesConfig: {
    SECRETARIAT: { description: 'Creates declarations and invites (or revokes) participants. Global: sees every declaration.' },
    CO_FACILITATOR: { description: 'Holds the pen: edits the text and structure, publishes revisions, decides amendments, runs the silence procedure and adoption.' },
    DELEGATION: {
      description: 'A member state: comments, proposes, supports, opposes and withdraws amendments, breaks silence, explains its position after adoption.',
    },
    STAKEHOLDER: { description: "A non-state actor (civil society, migrants' organisations, trade unions, local authorities...): comments only." },
    OBSERVER: { description: 'Reads the declaration and subscribes to its feeds; writes nothing but presence.' },
  },
});

registerEnumType(DeclarationStatus, {
  name: 'DeclarationStatus',
  description: 'Where the negotiation stands: DRAFTING → SILENCE_PROCEDURE → ADOPTED (or back to DRAFTING when silence is broken).',
  valuesConfig: {
    DRAFTING: { description: 'The text moves: co-facilitators edit it, delegations table amendments, revisions are published.' },
    SILENCE_PROCEDURE: {
      description: 'The final text circulates until `silenceDeadline`, frozen (edits and amendments are CONFLICT); a delegation may break silence, which returns it to DRAFTING.',
    },
    ADOPTED: {
      description: 'Adopted by consensus once the deadline passed unbroken: frozen for good, paragraphs renumbered 1..N; delegations may add explanations of position.',
    },
  },
});

registerEnumType(ParagraphStatus, {
  name: 'ParagraphStatus',
  description: 'How far a paragraph is agreed. Only OPEN paragraphs take text edits and amendments (CONFLICT otherwise).',
  valuesConfig: {
    OPEN: { description: 'Under negotiation: its text may be edited and amended.' },
    AGREED_AD_REF: { description: 'Agreed ad referendum: subject to confirmation by capitals; its text is frozen meanwhile.' },
    AGREED: { description: 'Agreed: its text is frozen.' },
    DELETED: { description: 'Struck out: kept (and listed) so that its label and history stay, but without a number; dropped from the adopted text.' },
  },
});

registerEnumType(ChangeKind, {
  name: 'ChangeKind',
  description: 'What a ChangeEvent records. The ids of ChangeEvent that a kind sets are named with it.',
  valuesConfig: {
    SECTION_ADDED: { description: 'A co-facilitator added a section.' },
    PARAGRAPH_ADDED: { description: 'A co-facilitator added a paragraph (paragraphId; text: its text).' },
    PARAGRAPH_EDITED: {
      description: 'Text edits of one paragraph, coalesced: one event after about a second of quiet, at most a few seconds apart under constant typing (paragraphId; text: the text after them).',
    },
    PARAGRAPH_MOVED: { description: 'A paragraph moved, within its section or to another (paragraphId).' },
    PARAGRAPH_STATUS_CHANGED: { description: 'A paragraph changed status, DELETED included (paragraphId).' },
    COMMENT_ADDED: { description: 'A comment or a reply was added (paragraphId, commentId).' },
    COMMENT_RESOLVED: { description: 'A comment thread was resolved (paragraphId, commentId of the thread).' },
    COMMENT_REOPENED: { description: 'A resolved comment thread was reopened (paragraphId, commentId of the thread).' },
    AMENDMENT_PROPOSED: { description: 'A delegation proposed an amendment (paragraphId, amendmentId).' },
    AMENDMENT_SUPPORTED: { description: 'A delegation supported an amendment (paragraphId, amendmentId).' },
    AMENDMENT_OPPOSED: { description: 'A delegation opposed an amendment (paragraphId, amendmentId).' },
    AMENDMENT_WITHDRAWN: { description: 'Its proposer withdrew an amendment (paragraphId, amendmentId).' },
    AMENDMENT_ACCEPTED: { description: "A co-facilitator accepted an amendment: its text replaced the anchored range (paragraphId, amendmentId)." },
    AMENDMENT_REJECTED: { description: 'A co-facilitator rejected an amendment; the summary carries the reason, if given (paragraphId, amendmentId).' },
    REVISION_PUBLISHED: { description: 'A revision was published, or the adopted text recorded at adoption (revisionId).' },
    SILENCE_STARTED: { description: 'The co-facilitators started the silence procedure; the summary gives the deadline.' },
    SILENCE_BROKEN: { description: 'A delegation broke silence; the summary carries its reason. The declaration is DRAFTING again.' },
    DECLARATION_ADOPTED: { description: 'The declaration was adopted.' },
    EXPLANATION_ADDED: { description: 'A delegation added an explanation of position after adoption.' },
    PARTICIPANT_INVITED: { description: 'The secretariat invited a participant into the declaration.' },
    PARAGRAPH_OBJECTIVES_CHANGED: { description: 'The GCM objectives a paragraph is tagged with changed (paragraphId). Not in the v1 contract.' },
    COMMENT_EDITED: { description: 'Its author edited a comment (paragraphId, commentId). Not in the v1 contract.' },
    PARTICIPANT_REVOKED: { description: "The secretariat revoked a participant's token. Not in the v1 contract." },
  },
});

registerEnumType(AmendmentStatus, {
  name: 'AmendmentStatus',
  description: 'Where an amendment stands. Only a PENDING amendment may be supported, opposed, withdrawn, accepted or rejected (CONFLICT otherwise).',
  valuesConfig: {
    PENDING: { description: 'Tabled and not decided yet.' },
    ACCEPTED: { description: 'Accepted by a co-facilitator: its text is in the paragraph.' },
    REJECTED: { description: 'Rejected by a co-facilitator (decisionReason, if given).' },
    WITHDRAWN: { description: 'Withdrawn by the delegate who proposed it.' },
  },
});

export enum DiffOp {
  EQUAL = 'EQUAL',
  INSERT = 'INSERT',
  DELETE = 'DELETE',
}
registerEnumType(DiffOp, {
  name: 'DiffOp',
  description: 'What a DiffHunk does to the older text.',
  valuesConfig: {
    EQUAL: { description: 'Words in both texts.' },
    INSERT: { description: 'Words only in the newer text.' },
    DELETE: { description: 'Words only in the older text.' },
  },
});

export enum ParagraphChange {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  MODIFIED = 'MODIFIED',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(ParagraphChange, {
  name: 'ParagraphChange',
  description: 'What became of a paragraph between two revisions.',
  valuesConfig: {
    ADDED: { description: 'Absent or DELETED in the older revision, present in the newer.' },
    REMOVED: { description: 'Present in the older revision, DELETED or absent in the newer.' },
    MODIFIED: { description: 'In both, with a different text.' },
    UNCHANGED: { description: 'In both, with the same text.' },
  },
});

export enum ExportFormat {
  MARKDOWN = 'MARKDOWN',
  HTML = 'HTML',
  AKOMA_NTOSO = 'AKOMA_NTOSO',
  COMPILATION = 'COMPILATION',
}
registerEnumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'What `export` writes the text as.',
  valuesConfig: {
    MARKDOWN: { description: 'Markdown: sections as headings, paragraphs with their labels.' },
    HTML: { description: 'A self-contained, printable HTML page.' },
    AKOMA_NTOSO: { description: 'Akoma Ntoso (OASIS LegalDocML 3.0) XML.' },
    COMPILATION: { description: 'Markdown compilation text: each paragraph with its pending amendments and who proposed, supported and opposed them.' },
  },
});

export { AmendmentStatus, ChangeKind, DeclarationStatus, ParagraphStatus, Role };
