/**
 * The pure parts of the Awareness bridge: where a binding's local cursor is
 * (the paragraph is the root Y.Text its head is in), and the colour a
 * participant gets (the same on every screen).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { announcementOf, remotePosition, userOf } from '../src/awareness.js';

describe('announcementOf', () => {
  const doc = new Y.Doc();
  const first = doc.getText('paragraph-1');
  first.insert(0, 'We reaffirm the Global Compact.');
  doc.getText('paragraph-2').insert(0, 'We note progress.');
  const at = (text: Y.Text, index: number) => Y.createRelativePositionFromTypeIndex(text, index);

  it('names the paragraph the head is in, with the head and, for a selection, the anchor', () => {
    const selection = announcementOf(doc, { anchor: at(first, 3), head: at(first, 11) });
    expect(selection.paragraphId).toBe('paragraph-1');
    const decode = (encoded: string | null) => Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(Buffer.from(encoded!, 'base64')), doc)?.index;
    expect([decode(selection.selectionAnchor), decode(selection.cursor)]).toEqual([3, 11]);
    // JSON (as a y-websocket peer's state arrives) reads the same.
    expect(announcementOf(doc, JSON.parse(JSON.stringify({ anchor: at(first, 3), head: at(first, 11) })))).toEqual(selection);
  });

  it('sends a caret without an anchor', () => {
    const caret = announcementOf(doc, { anchor: at(doc.getText('paragraph-2'), 2), head: at(doc.getText('paragraph-2'), 2) });
    expect(caret).toMatchObject({ paragraphId: 'paragraph-2', selectionAnchor: null });
    expect(caret.cursor).toEqual(expect.any(String));
  });

  it('is nowhere without a cursor, or with one in no text of this document', () => {
    const nowhere = { paragraphId: null, cursor: null, selectionAnchor: null };
    expect(announcementOf(doc, null)).toEqual(nowhere);
    expect(announcementOf(doc, {})).toEqual(nowhere);
    const elsewhere = new Y.Doc();
    elsewhere.getText('paragraph-9').insert(0, 'Elsewhere.');
    expect(announcementOf(doc, { anchor: at(elsewhere.getText('paragraph-9'), 1), head: at(elsewhere.getText('paragraph-9'), 1) })).toEqual(nowhere);
  });
});

describe('userOf', () => {
  it('gives a name with the delegation, and a colour that follows from the id alone', () => {
    const mexico = { id: 'b1c2', name: 'Delegate of Mexico', role: 'DELEGATION', delegation: 'Mexico' } as const;
    const user = userOf(mexico);
    expect(user.name).toBe('Delegate of Mexico (Mexico)');
    expect(user.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(user.colorLight).toBe(`${user.color}33`);
    expect(userOf({ ...mexico, name: 'Renamed' }).color).toBe(user.color);
    expect(userOf({ id: 'x', name: 'Ambassador Voss', role: 'CO_FACILITATOR', delegation: null }).name).toBe('Ambassador Voss');
  });
});

describe('remotePosition', () => {
  it('keeps a cursor at the end of a text readable (its item is null, not missing)', () => {
    const doc = new Y.Doc();
    const text = doc.getText('paragraph-1');
    text.insert(0, 'We reaffirm.');
    const atEnd = Y.createRelativePositionFromTypeIndex(text, text.length);
    const remote = remotePosition(Y.decodeRelativePosition(Y.encodeRelativePosition(atEnd)));
    expect(remote.item).toBeNull();
    expect(Y.createAbsolutePositionFromRelativePosition(remote, doc)?.index).toBe(text.length);
    const inside = remotePosition(Y.createRelativePositionFromTypeIndex(text, 3));
    expect(Y.createAbsolutePositionFromRelativePosition(inside, doc)?.index).toBe(3);
  });
});
