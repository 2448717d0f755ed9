/**
 * WAL checkpoints off the event loop: a worker thread with its own SQLite connection copies the write-ahead log
 * into the database file (`PRAGMA wal_checkpoint(PASSIVE)`, which never blocks the writer). A checkpoint writes
 * megabytes and fsyncs twice; run by SQLite's auto-checkpoint inside a commit, it stalls every request for that
 * long (the p99 of the apply bench). The store turns auto-checkpointing off and asks for one every few hundred
 * writes instead. Checkpoints do not affect durability (a committed transaction is in the WAL already).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A running checkpointer. */
export interface Checkpointer {
  /** Asks for a checkpoint (ignored while one runs). */
  request(): void;
  /** Stops the worker (a checkpoint under way finishes or is abandoned safely; SQLite recovers either way). */
  close(): Promise<void>;
}

// CommonJS source of the worker (eval workers run as CommonJS): one connection, one PASSIVE checkpoint per message
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { timeout: 5000 });
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  let error;
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { error = String(e && e.message || e); }
  parentPort.postMessage({ done: true, error });
});
`;

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** A checkpoint failed (it is retried on the next request). */
  onError?: (message: string) => void;
  /** The worker died (e.g. could not load SQLite): the caller must checkpoint by itself again. */
  onDead?: (message: string) => void;
}

/** Starts a checkpointer for the database at `path`. */
export function startCheckpointer(path: string, opts: CheckpointerOptions = {}): Checkpointer {
  const onError = opts.onError ?? ((): void => undefined);
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, sqlite } });
  worker.unref();
  let busy = false;
  let closed = false;
  worker.on('message', (m: { done?: boolean; error?: string }) => {
    busy = false;
    if (m.error) onError(m.error);
  });
  worker.on('error', (e) => {
    closed = true;
    opts.onDead?.(e.message);
  });
  return {
    request(): void {
      if (busy || closed) return;
      busy = true;
      worker.postMessage('checkpoint');
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
