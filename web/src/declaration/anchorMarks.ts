/**
 * Highlights of anchored comments and amendments in a paragraph's editor:
 * each anchored range is a `<mark>` in the text.
 *
 * The server gives anchors as offsets into the committed text when the page
 * last read them; between two reads the marks follow local and remote edits
 * (`DecorationSet.map` through every change), and the next read (after the
 * next change event) replaces them with the server's positions.
 */
import { StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';

export interface AnchorMark {
  from: number;
  to: number;
  /** Shown on hover: whose comment or amendment it is. */
  title: string;
  kind: 'comment' | 'amendment';
}

export const setAnchorMarks = StateEffect.define<AnchorMark[]>();

export const anchorMarks: Extension = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, transaction) {
    let next = marks.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setAnchorMarks)) continue;
      const length = transaction.newDoc.length;
      const ranges = effect.value
        .map((mark) => ({ ...mark, from: Math.min(mark.from, length), to: Math.min(mark.to, length) }))
        .filter((mark) => mark.to > mark.from)
        .sort((a, b) => a.from - b.from || a.to - b.to)
        .map((mark) =>
          Decoration.mark({ tagName: 'mark', class: `anchor-${mark.kind}`, attributes: { title: mark.title } }).range(mark.from, mark.to),
        );
      next = Decoration.set(ranges, true);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});
