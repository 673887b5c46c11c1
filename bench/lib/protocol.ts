/**
 * What the bench process (servers) asks of the client process (every
 * benchmark client: observers, typists, writers), over Node's IPC channel.
 * Every time is measured in the client process, on one clock.
 */

import type { CpuUse } from './cpu.js';

export type System = 'draftroom' | 'hocuspocus';

export interface FanoutArgs {
  system: System;
  /** draftroom: ws://…/graphql; Hocuspocus: ws://… */
  url: string;
  /** draftroom: the declaration; Hocuspocus: the document name. */
  documentId: string;
  /** draftroom: the paragraph's id; Hocuspocus: a Y.Text name. */
  paragraphId: string;
  typistToken: string;
  /** One per observer (draftroom: OBSERVER tokens; Hocuspocus: any string). */
  observerTokens: string[];
  intervalMs: number;
  warmupMs: number;
  durationMs: number;
  connectTimeoutMs: number;
}

export interface FanoutResult {
  observers: number;
  sent: number;
  /** Updates after the warm-up that every observer received: time from send to the last observer, one sample per update sent. */
  latenciesMs: number[];
  /** The same per keystroke, from the keystroke typed (includes waiting for the previous update's acknowledgement). */
  keystrokeLatenciesMs: number[];
  /** Updates after the warm-up that some observer never received (within the drain time). */
  missing: number;
  /** draftroom: keystrokes merged into the next applyUpdate because the previous one was still in flight. */
  coalesced: number;
  errors: number;
  lastError: string | null;
  connectMs: number;
  /** Acknowledgement latency of the typist's own updates (draftroom: committed; Hocuspocus: applied). */
  ackLatenciesMs: number[];
  /** CPU of the client process while typing. */
  clientCpu: CpuUse;
}

export interface ThroughputArgs {
  system: System;
  url: string;
  documentId: string;
  /** One per writer: its token and its paragraph (Y.Text name). */
  writers: { token: string; paragraphId: string }[];
  warmupMs: number;
  durationMs: number;
  connectTimeoutMs: number;
}

export interface ThroughputResult {
  writers: number;
  /** Every acknowledged update, warm-up included. */
  total: number;
  /** Acknowledged updates whose acknowledgement came within the measured window. */
  acked: number;
  windowMs: number;
  perSecond: number;
  ackLatenciesMs: number[];
  errors: number;
  lastError: string | null;
  /** CPU of the client process over the measured window. */
  clientCpu: CpuUse;
}

export interface ReplayArgs {
  url: string;
  declarationId: string;
  paragraphId: string;
  token: string;
  tracePath: string;
  /** Transactions of the trace to replay (all of them in a full run). */
  txns: number;
  batch: number;
  timeoutMs: number;
}

export interface ReplayResult {
  txns: number;
  updates: number;
  updateBytes: number;
  /** The trace applied to a bare Y.Doc in this process, `batch` keystrokes per transaction (best of two). */
  bareMs: number;
  /** Building the updates the client sends (a Y.Doc plus encoding each transaction's update). */
  generateMs: number;
  /** From the first applyUpdate sent to the last acknowledgement, one in flight. */
  apiMs: number;
  finalLength: number;
  verified: boolean;
}

export interface ColdSyncArgs {
  url: string;
  declarationId: string;
  token: string;
  expectedText: { paragraphId: string; length: number; sha1: string };
  timeoutMs: number;
}

export interface ColdSyncResult {
  /** From subscribing to documentUpdates (socket already open) to the sync event received. */
  syncMs: number;
  /** From opening the socket (connection_init) to the sync event received. */
  totalMs: number;
  syncBytes: number;
  verified: boolean;
}

export interface IdleArgs {
  system: System;
  url: string;
  documentId: string;
  tokens: string[];
  connectTimeoutMs: number;
}

export interface IdleResult {
  connections: number;
  connectMs: number;
}

export interface Commands {
  fanout: [FanoutArgs, FanoutResult];
  throughput: [ThroughputArgs, ThroughputResult];
  replay: [ReplayArgs, ReplayResult];
  coldSync: [ColdSyncArgs, ColdSyncResult];
  openIdle: [IdleArgs, IdleResult];
  closeIdle: [Record<string, never>, { closed: number }];
}

export type CommandName = keyof Commands;

export interface Request<C extends CommandName = CommandName> {
  id: number;
  command: C;
  args: Commands[C][0];
}

export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Sent by the client process when a measured window starts and ends (the bench process meters its CPU over it). */
export interface PhaseMessage {
  kind: 'phase';
  name: 'start' | 'end';
}

export function isPhaseMessage(message: unknown): message is PhaseMessage {
  return typeof message === 'object' && message !== null && (message as PhaseMessage).kind === 'phase';
}
