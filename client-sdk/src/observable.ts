/**
 * Events as Yjs and its providers emit them: lib0's `ObservableV2` (`on`,
 * `off`, `once`), which y-websocket and Hocuspocus users already know.
 *
 * One change to it: a listener that throws does not stop the others, nor the
 * SDK's own work that emitted the event (a sync half-applied because an
 * application's status handler threw); its error is rethrown on its own.
 */
import { ObservableV2 } from 'lib0/observable';

export type EventMap = { [name: string]: (...args: any[]) => void };

export class Observable<Events extends EventMap> extends ObservableV2<Events> {
  override emit<Name extends keyof Events & string>(name: Name, args: Parameters<Events[Name]>): void {
    for (const listener of [...(this._observers.get(name) ?? [])]) {
      try {
        (listener as (...a: unknown[]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
