import { OUT_ACCOUNT_TYPES } from '@wxpay-kit/sdk/catalogue';
import type { Database } from '../family.js';
import type { AccountBalance, CancelWithdraw } from './record.js';

/**
 * Applications are unique per (platform, out_request_no) and by applyment_id. `request_digest` is a SHA-256 of the
 * canonical decrypted apply body: enough to recognise a repeat, without keeping payee names in the database.
 * Balances are kept per sub-merchant; the control API sets them, a successful withdrawal pays them out.
 */
export function migrate(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS cancel_withdraw_applications (
      applyment_id   TEXT    PRIMARY KEY,
      sp_mchid       TEXT    NOT NULL,
      out_request_no TEXT    NOT NULL,
      sub_mchid      TEXT    NOT NULL,
      cancel_state   TEXT    NOT NULL,
      request_digest TEXT    NOT NULL,
      record         TEXT    NOT NULL,
      created_at     INTEGER NOT NULL,
      updated_at     INTEGER NOT NULL,
      UNIQUE (sp_mchid, out_request_no)
    );
    CREATE INDEX IF NOT EXISTS cancel_withdraw_applications_sub_mchid
      ON cancel_withdraw_applications (sub_mchid);
    CREATE TABLE IF NOT EXISTS cancel_withdraw_balances (
      sub_mchid  TEXT    PRIMARY KEY,
      accounts   TEXT    NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `);
}

export interface StoredApplication {
  application: CancelWithdraw;
  requestDigest: string;
}

interface Row {
  record: string;
  request_digest: string;
}

function fromRow(row: Row | undefined): StoredApplication | undefined {
  return row
    ? { application: JSON.parse(row.record) as CancelWithdraw, requestDigest: row.request_digest }
    : undefined;
}

const COLUMNS = 'record, request_digest';

export function findByOutRequestNo(db: Database, spMchid: string, outRequestNo: string) {
  const row = db
    .prepare(`SELECT ${COLUMNS} FROM cancel_withdraw_applications WHERE sp_mchid = ? AND out_request_no = ?`)
    .get(spMchid, outRequestNo) as Row | undefined;
  return fromRow(row);
}

/** `spMchid` undefined: any platform's (timers know only the id). */
export function findByApplymentId(db: Database, applymentId: string, spMchid?: string) {
  const row = db
    .prepare(`SELECT ${COLUMNS} FROM cancel_withdraw_applications WHERE applyment_id = ?`)
    .get(applymentId) as Row | undefined;
  const stored = fromRow(row);
  return stored && (spMchid === undefined || stored.application.sp_mchid === spMchid) ? stored : undefined;
}

export function insertApplication(
  db: Database,
  application: CancelWithdraw,
  requestDigest: string,
  nowMs: number,
) {
  db.prepare(
    `INSERT INTO cancel_withdraw_applications
       (applyment_id, sp_mchid, out_request_no, sub_mchid, cancel_state, request_digest, record, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    application.applyment_id,
    application.sp_mchid,
    application.out_request_no,
    application.sub_mchid,
    application.cancel_state,
    requestDigest,
    JSON.stringify(application),
    nowMs,
    nowMs,
  );
}

export function updateApplication(db: Database, application: CancelWithdraw, nowMs: number): void {
  const result = db
    .prepare(
      'UPDATE cancel_withdraw_applications SET cancel_state = ?, record = ?, updated_at = ? WHERE applyment_id = ?',
    )
    .run(application.cancel_state, JSON.stringify(application), nowMs, application.applyment_id);
  if (result.changes !== 1) {
    throw new Error(`cancel-withdraws store: no application ${application.applyment_id} to update`);
  }
}

/** Every application of the sub-merchant, oldest first. */
export function applicationsOf(db: Database, subMchid: string): CancelWithdraw[] {
  const rows = db
    .prepare(
      'SELECT record FROM cancel_withdraw_applications WHERE sub_mchid = ? ORDER BY created_at, applyment_id',
    )
    .all(subMchid) as { record: string }[];
  return rows.map((row) => JSON.parse(row.record) as CancelWithdraw);
}

/** Applications where the merchant is the platform or the sub-merchant; all of them without a filter. */
export function listApplications(db: Database, mchid?: string): CancelWithdraw[] {
  const rows = (
    mchid === undefined
      ? db.prepare('SELECT record FROM cancel_withdraw_applications ORDER BY created_at, applyment_id').all()
      : db
          .prepare(
            `SELECT record FROM cancel_withdraw_applications WHERE sp_mchid = ? OR sub_mchid = ?
             ORDER BY created_at, applyment_id`,
          )
          .all(mchid, mchid)
  ) as { record: string }[];
  return rows.map((row) => JSON.parse(row.record) as CancelWithdraw);
}

/**
 * Balances a sub-merchant has before anyone sets them: money in the basic and operating accounts, so that a
 * withdrawal has something to pay out (assumed; set them through the control API).
 */
export const DEFAULT_BALANCES: readonly AccountBalance[] = [
  { out_account_type: 'BASIC_ACCOUNT', amount: 100_000 },
  { out_account_type: 'OPERATE_ACCOUNT', amount: 20_000 },
];

export function getBalances(db: Database, subMchid: string): AccountBalance[] {
  const row = db.prepare('SELECT accounts FROM cancel_withdraw_balances WHERE sub_mchid = ?').get(subMchid) as
    | { accounts: string }
    | undefined;
  return row ? (JSON.parse(row.accounts) as AccountBalance[]) : DEFAULT_BALANCES.map((b) => ({ ...b }));
}

export function setBalances(db: Database, subMchid: string, accounts: AccountBalance[], nowMs: number): void {
  const ordered = [...accounts].sort(
    (a, b) => OUT_ACCOUNT_TYPES.indexOf(a.out_account_type) - OUT_ACCOUNT_TYPES.indexOf(b.out_account_type),
  );
  db.prepare(
    `INSERT INTO cancel_withdraw_balances (sub_mchid, accounts, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (sub_mchid) DO UPDATE SET accounts = excluded.accounts, updated_at = excluded.updated_at`,
  ).run(subMchid, JSON.stringify(ordered), nowMs);
}

/** Takes paid-out amounts off the balances (never below zero: a control call may have lowered them meanwhile). */
export function debitBalances(
  db: Database,
  subMchid: string,
  paid: readonly AccountBalance[],
  nowMs: number,
): void {
  const balances = getBalances(db, subMchid).map((balance) => {
    const out = paid.find((p) => p.out_account_type === balance.out_account_type)?.amount ?? 0;
    return { ...balance, amount: Math.max(0, balance.amount - out) };
  });
  setBalances(db, subMchid, balances, nowMs);
}
