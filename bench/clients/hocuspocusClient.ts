/**
 * A minimal Hocuspocus client speaking the provider's wire protocol over a
 * raw WebSocket (what @hocuspocus/provider sends, without its Y.Doc,
 * awareness and reconnection machinery):
 *
 *   every message: varString documentName, varUint type, ...
 *   Auth (2):      client → Token (0) + varString token; server → Authenticated (2)
 *   Sync (0):      SyncStep1 (0) state vector / SyncStep2 (1) update / Update (2) update
 *   SyncStatus (8): server → varUint 1 once it has applied the client's update
 *
 * Observers hold no Y.Doc: an update counts as received when its message has
 * been decoded, as for the draftroom observers (whose graphql-ws client parses
 * the message and hands it over).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';

const MESSAGE_SYNC = 0;
const MESSAGE_AUTH = 2;
const MESSAGE_SYNC_REPLY = 4;
const MESSAGE_SYNC_STATUS = 8;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
const AUTH_TOKEN = 0;
const AUTH_PERMISSION_DENIED = 1;

export class HocuspocusClient {
  readonly ws: WebSocket;
  /** Resolves once the server's SyncStep2 (the document's state) has arrived. */
  readonly synced: Promise<void>;
  /** Called with each broadcast update (Sync/Update) after the sync. */
  onUpdate: ((update: Uint8Array) => void) | null = null;
  /** Called with each SyncStatus (the server applied one of our updates). */
  onStatus: ((applied: boolean) => void) | null = null;
  private closed = false;

  constructor(
    url: string,
    private readonly documentName: string,
    token: string,
    private readonly doc: Y.Doc | null,
  ) {
    let markSynced!: () => void;
    let fail!: (error: Error) => void;
    this.synced = new Promise<void>((resolve, reject) => {
      markSynced = resolve;
      fail = reject;
    });
    this.synced.catch(() => undefined);
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => {
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_AUTH);
        encoding.writeVarUint(e, AUTH_TOKEN);
        encoding.writeVarString(e, token);
      });
      this.send((e) => {
        encoding.writeVarUint(e, MESSAGE_SYNC);
        encoding.writeVarUint(e, SYNC_STEP1);
        encoding.writeVarUint8Array(e, doc ? Y.encodeStateVector(doc) : new Uint8Array([0]));
      });
    });
    this.ws.on('error', (error) => fail(error));
    this.ws.on('close', (code) => {
      if (!this.closed) fail(new Error(`Hocuspocus socket closed (${code})`));
    });
    this.ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC || type === MESSAGE_SYNC_REPLY) {
        const step = decoding.readVarUint(decoder);
        if (step === SYNC_STEP2) {
          const update = decoding.readVarUint8Array(decoder);
          if (this.doc) Y.applyUpdate(this.doc, update, this);
          markSynced();
        } else if (step === SYNC_UPDATE) {
          const update = decoding.readVarUint8Array(decoder);
          this.onUpdate?.(update);
        }
        // SYNC_STEP1 from the server (it asks for our state): a typist has nothing the server lacks.
      } else if (type === MESSAGE_SYNC_STATUS) {
        this.onStatus?.(decoding.readVarUint(decoder) === 1);
      } else if (type === MESSAGE_AUTH) {
        if (decoding.readVarUint(decoder) === AUTH_PERMISSION_DENIED) fail(new Error('Hocuspocus: permission denied'));
      }
    });
  }

  /** Sends a Yjs update (Sync/Update), as the provider does for each local transaction. */
  sendUpdate(update: Uint8Array): void {
    this.send((e) => {
      encoding.writeVarUint(e, MESSAGE_SYNC);
      encoding.writeVarUint(e, SYNC_UPDATE);
      encoding.writeVarUint8Array(e, update);
    });
  }

  close(): void {
    this.closed = true;
    this.ws.terminate();
  }

  private send(write: (encoder: encoding.Encoder) => void): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, this.documentName);
    write(encoder);
    this.ws.send(encoding.toUint8Array(encoder));
  }
}
