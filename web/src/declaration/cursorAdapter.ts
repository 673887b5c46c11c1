/**
 * SDK ADAPTER, to be removed once `@draftroom/client` gives remote cursors
 * in the form y-codemirror.next reads.
 *
 * The session's Awareness carries each remote cursor as
 * `Y.relativePositionToJSON(...)`, which leaves out null fields (`item` is
 * null for a cursor at the end of a text). y-codemirror.next passes a remote
 * `cursor.anchor` straight to `Y.createAbsolutePositionFromRelativePosition`,
 * which reads a missing `item` as present and throws ("Cannot read
 * properties of undefined (reading 'client')"): the remote-selections plugin
 * crashes and no remote cursor is drawn. This view of the Awareness hands
 * the binding real `Y.RelativePosition`s (`createRelativePositionFromJSON`),
 * as a y-websocket peer's would be; everything else goes to the Awareness
 * itself.
 */
import type { DraftSession } from '@draftroom/client';
import * as Y from 'yjs';

type Awareness = DraftSession['awareness'];
type State = Record<string, any>;

const normalised = new WeakMap<State, State>();

function readable(state: State): State {
  const cursor = state.cursor;
  if (!cursor || !cursor.anchor || !cursor.head || cursor.anchor instanceof Y.RelativePosition) return state;
  let copy = normalised.get(state);
  if (!copy) {
    copy = { ...state, cursor: { anchor: Y.createRelativePositionFromJSON(cursor.anchor), head: Y.createRelativePositionFromJSON(cursor.head) } };
    normalised.set(state, copy);
  }
  return copy;
}

export function awarenessForCodeMirror(awareness: Awareness): Awareness {
  return new Proxy(awareness, {
    get(target, property) {
      if (property === 'getStates') {
        return () => {
          const states = new Map<number, State>();
          for (const [client, state] of target.getStates()) states.set(client, readable(state));
          return states;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
