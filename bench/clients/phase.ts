/** Tells the bench process that a measured window starts or ends (it meters its own CPU over it). */
import type { PhaseMessage } from '../lib/protocol.js';

export function phase(name: PhaseMessage['name']): void {
  const message: PhaseMessage = { kind: 'phase', name };
  process.send?.(message);
}
