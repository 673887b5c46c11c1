/** Who asks, as the policy sees them, and the groups of roles its tables name. */
import { Role } from '../db/entities/enums.js';

/** The authenticated caller. */
export interface Viewer {
  id: string;
  name: string;
  role: Role;
  delegation: string | null;
  /** null for the (global) secretariat. */
  declarationId: string | null;
}

/**
 * The delegation a participant speaks for: its delegation, or its name when
 * it names none. Several delegates of one delegation speak with one voice.
 */
export function speakerName(p: { name: string; delegation: string | null }): string {
  return p.delegation ?? p.name;
}

const { SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER, OBSERVER } = Role;

/**
 * The rows of DESIGN.md's permission table: who, and the words a refusal
 * uses ("a OBSERVER may not comment; allowed: ..."). Several actions share a
 * row, and so its wording.
 */
export const ROWS = {
  createDeclaration: { roles: [SECRETARIAT], does: 'create a declaration' },
  invite: { roles: [SECRETARIAT], does: 'invite participants' },
  revoke: { roles: [SECRETARIAT], does: 'revoke participants' },
  listParticipants: { roles: [SECRETARIAT, CO_FACILITATOR], does: 'list participants' },
  read: { roles: [SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER, OBSERVER], does: 'read this declaration' },
  // edit text (Yjs updates), sections, paragraphs, status, objectives
  edit: { roles: [CO_FACILITATOR], does: 'edit the text or structure' },
  // publish revision, accept/reject amendments, silence procedure, adopt
  negotiate: { roles: [CO_FACILITATOR], does: 'run the negotiation lifecycle' },
  // comment, reply, resolve/reopen comments
  comment: { roles: [SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER], does: 'comment' },
  // propose, support, oppose, withdraw amendments; break silence
  table: { roles: [DELEGATION], does: 'table or back amendments' },
  explain: { roles: [DELEGATION], does: 'explain a position' },
  presence: { roles: [SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER, OBSERVER], does: 'share presence' },
} as const satisfies Record<string, { roles: readonly Role[]; does: string }>;
