import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from '../families/family.js';

/**
 * Copies the write-ahead log back into a data folder's database file from a thread of its own.
 *
 * Why: SQLite checkpoints on the connection that commits, once the WAL passes 1,000 pages, so every few dozen
 * writes the event loop copied pages and, with `synchronous = NORMAL`, waited on an fsync of the WAL and one of the
 * database file. Measured with a file data folder on 2 cores (bench/profile-emulator.mjs --case write --data):
 * writes 1.1× faster with the checkpoints elsewhere, and no fsync on the loop at all. A checkpoint from another
 * connection is how SQLite means WAL mode to be used: PASSIVE copies what no reader still needs and never blocks
 * the writer. Should the thread fail, the loop checkpoints for itself again, as before.
 */

/** How often the thread checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 250;

/** SQLite's own threshold, restored on the loop's connection if the thread is gone. */
export const AUTOCHECKPOINT_PAGES = 1000;

// The thread's whole program. An error ends it, and the loop takes the checkpoints back.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer {
  /** Runs a last checkpoint and stops the thread; the database stays open. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** Told once if the thread fails; the loop's connection then checkpoints for itself. */
  onError: (error: unknown) => void;
  intervalMs?: number;
  /** The better-sqlite3 entry the thread loads (tests give a wrong one). */
  driver?: string;
}

/** Starts checkpointing `file` (the database `db` has open in WAL mode) from a thread. */
export function startCheckpointer(db: Database, file: string, options: CheckpointerOptions): Checkpointer {
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS },
  });
  // Never what keeps a process alive: close() stops it, and an exit without close() loses nothing.
  worker.unref();
  db.pragma('wal_autocheckpoint = 0');
  let running = true;
  const takeBack = (error: unknown) => {
    if (!running) return;
    running = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    options.onError(error);
  };
  worker.on('error', takeBack);
  worker.on('exit', (code) => takeBack(new Error(`the checkpoint thread exited with code ${code}`)));
  return {
    async close() {
      if (!running) return;
      running = false;
      const stopped = once(worker, 'message').catch(() => undefined);
      worker.postMessage('stop');
      // A thread stuck on a lock is not waited for: the loop's own close checkpoints anyway.
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    },
  };
}
