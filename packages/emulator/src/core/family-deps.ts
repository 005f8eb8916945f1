import { rsaOaepEncrypt } from '@wxpay-kit/sdk/protocol';
import { createAuthorizationsPort } from '../families/authorizations/port.js';
import type { Database, FamilyDeps, TimerRequest } from '../families/family.js';
import { recordTransition } from '../history/transition-log.js';
import { enqueueNotification } from '../notify/outbox.js';
import { formatTime } from './format-time.js';
import { createIdGenerator } from './ids.js';
import type { MerchantDirectory } from './merchant-directory.js';
import type { RuntimeSettings } from './settings.js';
import type { VirtualClock } from './virtual-clock.js';

/** Inserts a durable timer; the caller's transaction commits it together with the state change. */
export function insertTimer(db: Database, timer: TimerRequest): number {
  if (!Number.isFinite(timer.dueAt))
    throw new Error(`schedule: dueAt must be epoch ms, got ${String(timer.dueAt)}`);
  // run() and its rowid, not RETURNING id: SQLite gathers RETURNING rows in a table of their own.
  const { lastInsertRowid } = db
    .prepare('INSERT INTO timers (family, kind, ref, due_at, payload) VALUES (?, ?, ?, ?, ?)')
    .run(
      timer.family,
      timer.kind,
      timer.ref,
      Math.round(timer.dueAt),
      timer.payload === undefined ? null : JSON.stringify(timer.payload),
    );
  return Number(lastInsertRowid);
}

/** The one FamilyDeps every operation, timer and control action receives. */
export function createFamilyDeps(options: {
  db: Database;
  clock: VirtualClock;
  directory: MerchantDirectory;
  settings: RuntimeSettings;
}): FamilyDeps {
  const { db, clock, directory, settings } = options;
  const deps: FamilyDeps = {
    db,
    clock,
    formatTime,
    newId: createIdGenerator(db, clock),
    merchants: {
      get: (mchid) => directory.get(mchid),
      isSubMerchantOf: (parent, sub) => directory.isSubMerchantOf(parent, sub),
    },
    encryptForMerchant(mchid, plaintext) {
      const caller = directory.caller(mchid);
      if (!caller) throw new Error(`encryptForMerchant: ${mchid} has no API certificate to encrypt for`);
      return rsaOaepEncrypt(plaintext, caller.publicKey);
    },
    notify(notification) {
      // No URL: WeChat Pay sends nothing. A receiver without an APIv3 key is still queued: the worker cannot seal
      // it, logs a "not sent" attempt and fails it, so the reason is visible in the outbox rather than silent.
      if (!notification.url) return;
      enqueueNotification(db, clock.now(), notification);
    },
    schedule(timer) {
      insertTimer(db, timer);
    },
    recordTransition(entry) {
      recordTransition(db, { ...entry, at: entry.at ?? clock.now() });
    },
    settings,
    // The port runs the authorization family with these same deps.
    authorizations: createAuthorizationsPort(() => deps),
  };
  return deps;
}
