/**
 * Running what a participant asked for (a mutation), and showing a refusal
 * as the server worded it: its message and code in a `role="alert"`, never a
 * stack, never silence.
 */
import { useState } from 'preact/hooks';
import { describeError } from '../api';

export interface Action {
  busy: boolean;
  error: unknown;
  /** Runs `task`; resolves true when it succeeded (its refusal is kept in `error`). */
  run(task: () => Promise<unknown>): Promise<boolean>;
  clear(): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return {
    busy,
    error,
    async run(task) {
      setBusy(true);
      setError(null);
      try {
        await task();
        return true;
      } catch (failure) {
        setError(failure);
        return false;
      } finally {
        setBusy(false);
      }
    },
    clear: () => setError(null),
  };
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" class="error">
      {describeError(error)}
    </p>
  );
}
