/**
 * A paragraph's live text: CodeMirror 6 bound to the paragraph's `Y.Text`
 * with y-codemirror.next (the same binding any editor integrator would use),
 * plain text only, as the server keeps it.
 *
 * The editable area is a multi-line `textbox` named "Text of paragraph
 * <label>". Read-only (`aria-readonly="true"`, typing changes nothing) for
 * anyone who may not edit it now; the caret still moves and text can be
 * selected, so a delegate can select the words a comment or an amendment is
 * about, with the keyboard as with the mouse.
 */
import { defaultKeymap } from '@codemirror/commands';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useRef } from 'preact/hooks';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import type * as Y from 'yjs';
import type { DraftSession } from '@draftroom/client';
import { anchorMarks, setAnchorMarks, type AnchorMark } from './anchorMarks';

interface Props {
  ytext: Y.Text;
  /** The textbox's accessible name, e.g. "Text of paragraph 21 bis". */
  label: string;
  editable: boolean;
  /** Remote cursors and selections, with names (the session's y-protocols Awareness). */
  awareness: DraftSession['awareness'];
  marks: AnchorMark[];
  /** The view once made (null when gone): the comment and amendment forms read its selection. */
  onView(view: EditorView | null): void;
}

function access(label: string, editable: boolean): Extension {
  return [EditorState.readOnly.of(!editable), EditorView.contentAttributes.of({ 'aria-label': label })];
}

export function TextEditor({ ytext, label, editable, awareness, marks, onView }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const accessCompartment = useRef(new Compartment());

  useEffect(() => {
    const made = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          yCollab(ytext, awareness),
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
          EditorView.lineWrapping,
          accessCompartment.current.of(access(label, editable)),
          anchorMarks,
        ],
      }),
    });
    view.current = made;
    made.dispatch({ effects: setAnchorMarks.of(marks) });
    onView(made);
    return () => {
      onView(null);
      view.current = null;
      made.destroy();
    };
    // Re-made only for another text or another awareness; the rest is reconfigured below.
  }, [ytext, awareness]);

  useEffect(() => {
    view.current?.dispatch({ effects: accessCompartment.current.reconfigure(access(label, editable)) });
  }, [label, editable]);

  useEffect(() => {
    view.current?.dispatch({ effects: setAnchorMarks.of(marks) });
  }, [marks]);

  return <div class={editable ? 'text-editor editable' : 'text-editor'} ref={host} />;
}
