/**
 * What the bench process (servers) asks of the client process (every
 * benchmark client: observers, typists, writers), over Node's IPC channel.
 * Every time is measured in the client process, on one clock.
 */

import type { CpuUse } from './cpu.js';
import type { HistogramData } from './histogram.js';

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

/** The crowd benchmark: many subscribers in one client process (bench/clients/subscribers.ts). */
export interface SubscribersArgs {
  /** ws://…/graphql */
  url: string;
  declarationId: string;
  /** One OBSERVER token per subscriber. */
  tokens: string[];
  /** `changes(after:)`: the feed's last seq when subscribing, so nothing is replayed. */
  changesAfter: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
}

export interface SubscribersOpened {
  opened: number;
  failed: number;
  firstError: string | null;
  /** Machine monotonic clock (ms): the first connection started, the last one synced. */
  startedAt: number;
  syncedAt: number;
  /** Per connection: from opening the socket to the documentUpdates sync event. */
  connectMs: HistogramData;
}

export interface AwaitChangeArgs {
  kind: string;
  /** Machine monotonic clock (ms) when the mutation that makes the event was sent. */
  sentAt: number;
  timeoutMs: number;
}

export interface AwaitChangeResult {
  received: number;
  subscribers: number;
  latency: HistogramData;
}

export interface CollectSubscribersArgs {
  /** Per update index (origin "s:<index>"): machine monotonic send time; null when refused. */
  sentAt: (number | null)[];
  /** Updates before this index are warm-up. */
  firstMeasured: number;
  drainMs: number;
}

export interface CollectSubscribersResult {
  subscribers: number;
  /** Per measured update: deliveries in this process and the latest delivery time (machine clock). */
  perUpdate: { index: number; count: number; lastAt: number | null }[];
  /** Every delivery of a measured update: send to receipt. */
  delivery: HistogramData;
  missingDeliveries: number;
  changeEvents: number;
  errors: number;
  lastError: string | null;
}

export interface SteadyTypingArgs {
  url: string;
  token: string;
  declarationId: string;
  paragraphId: string;
  intervalMs: number;
  warmupMs: number;
  durationMs: number;
  connectTimeoutMs: number;
}

export interface SteadyTypingResult {
  keystrokes: number;
  /** Per update index: machine monotonic send time (null: refused). */
  sentAt: (number | null)[];
  firstMeasured: number;
  coalesced: number;
  /** After the warm-up. */
  ackLatenciesMs: number[];
  errors: number;
  lastError: string | null;
}

/** The soak's clients (bench/clients/soak.ts); each client process gets its share. */
export interface SoakArgs {
  /** http://…/graphql (mutations) and ws://…/graphql (typing, subscriptions). */
  url: string;
  wsUrl: string;
  declarationId: string;
  paragraphIds: string[];
  /** The clients stop on their own this long (plus 10 s) after the start, even without soakStop. */
  durationMs: number;
  changesAfter: number;
  typists: { token: string; paragraphId: string }[];
  typingIntervalMs: number;
  observers: string[];
  reconnecting: string[];
  /** A reconnecting observer stays about this long (± half) before it leaves and comes back. */
  reconnectStayMs: number;
  commenters: string[];
  commentIntervalMs: number;
  proposers: string[];
  amendmentIntervalMs: number;
  /** A co-facilitator's token: resolves comments, accepts and rejects amendments. */
  decider: string | null;
}

export interface SoakCounters {
  updatesAcked: number;
  keystrokes: number;
  ackLatency: HistogramData;
  documentEvents: number;
  changeEvents: number;
  reconnects: number;
  comments: number;
  commentsResolved: number;
  amendmentsProposed: number;
  amendmentsSupported: number;
  amendmentsDecided: number;
  /** By contract code (extensions.code) or by what happened (CLOSED, TIMEOUT, GAP, ...). */
  errors: Record<string, number>;
  lastErrors: Record<string, string>;
}

export interface Commands {
  fanout: [FanoutArgs, FanoutResult];
  throughput: [ThroughputArgs, ThroughputResult];
  replay: [ReplayArgs, ReplayResult];
  coldSync: [ColdSyncArgs, ColdSyncResult];
  openIdle: [IdleArgs, IdleResult];
  closeIdle: [Record<string, never>, { closed: number }];
  openSubscribers: [SubscribersArgs, SubscribersOpened];
  awaitChange: [AwaitChangeArgs, AwaitChangeResult];
  collectSubscribers: [CollectSubscribersArgs, CollectSubscribersResult];
  closeSubscribers: [Record<string, never>, { closed: number }];
  typeSteadily: [SteadyTypingArgs, SteadyTypingResult];
  soakStart: [SoakArgs, { started: true }];
  soakProgress: [Record<string, never>, SoakCounters];
  soakStop: [Record<string, never>, SoakCounters];
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
