/**
 * What every part of the declaration page needs: who is looking, the
 * declaration as last read, the live session, and the way to ask for a
 * fresh read. Provided once by the page (DeclarationPage.tsx).
 */
import type { DraftroomClient, DraftSession, ParticipantFieldsFragment } from '@draftroom/client';
import type { EditorView } from '@codemirror/view';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Declaration, Paragraph } from './liveData';

export interface Room {
  client: DraftroomClient;
  viewer: ParticipantFieldsFragment;
  declaration: Declaration;
  session: DraftSession;
  /** Everyone's cursors and selections, for the editors (the session's y-protocols Awareness). */
  awareness: DraftSession['awareness'];
  /** Reads the declaration again (after a change of one's own, without waiting for the feed). */
  refresh(): void;
  /** Each paragraph's editor, by paragraph id: the forms read the selection from it. */
  editors: Map<string, EditorView>;
}

export const RoomContext = createContext<Room | null>(null);

export function useRoom(): Room {
  const room = useContext(RoomContext);
  if (!room) throw new Error('useRoom outside of a declaration page');
  return room;
}

/**
 * What a role may do, as the server decides it (DESIGN.md, "Permissions";
 * server/src/drafting/): the page offers only these, so that nothing on
 * screen is bound to be refused.
 */
export const may = {
  editText: (room: Room, paragraph: Paragraph) =>
    room.viewer.role === 'CO_FACILITATOR' && room.declaration.status === 'DRAFTING' && paragraph.status === 'OPEN',
  restructure: (room: Room) => room.viewer.role === 'CO_FACILITATOR' && room.declaration.status === 'DRAFTING',
  comment: (room: Room) => room.viewer.role !== 'OBSERVER' && room.declaration.status !== 'ADOPTED',
  tableAmendment: (room: Room, paragraph: Paragraph) =>
    room.viewer.role === 'DELEGATION' && room.declaration.status === 'DRAFTING' && paragraph.status === 'OPEN',
  takePosition: (room: Room) => room.viewer.role === 'DELEGATION' && room.declaration.status === 'DRAFTING',
  decideAmendment: (room: Room) => room.viewer.role === 'CO_FACILITATOR' && room.declaration.status === 'DRAFTING',
  invite: (room: Room) => room.viewer.role === 'SECRETARIAT',
};

/** "Delegate of Mexico (Mexico)" */
export function speaker(participant: ParticipantFieldsFragment): string {
  return participant.delegation && participant.delegation !== participant.name ? `${participant.name} (${participant.delegation})` : participant.name;
}

/** The selection in a paragraph's editor, as an anchor (offsets into its text) with the quoted words; null when nothing is selected. */
export function selectionIn(room: Room, paragraphId: string): { start: number; end: number; quote: string } | null {
  const view = room.editors.get(paragraphId);
  if (!view) return null;
  const { from, to } = view.state.selection.main;
  if (from === to) return null;
  return { start: from, end: to, quote: view.state.sliceDoc(from, to) };
}
