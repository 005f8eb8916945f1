import type { Database } from '../family.js';
import type { TransferBillMachineRecord, TransferBillState } from './machine.js';

/** A stored bill. `userName` is the decrypted plaintext: ciphertexts are made afresh for each reply. */
export interface TransferBillRecord extends TransferBillMachineRecord {
  id: number;
  /** The service provider that created the bill. */
  mchid: string;
  subMchid: string;
  transferBillNo: string;
  appid: string;
  openid: string;
  transferSceneId: string;
  transferRemark: string;
  userName?: string | undefined;
  notifyUrl?: string | undefined;
  packageInfo: string;
  createTime: number;
  /** Canonical JSON of the create body (plaintext user_name): a repeated create must match it exactly. */
  requestCanonical: string;
  version: number;
}

export type NewTransferBill = Omit<TransferBillRecord, 'id' | 'version'>;

/** Sub-merchants start with 1,000,000 CNY available (settable through the control API). */
export const DEFAULT_BALANCE = 100_000_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS transfer_bills (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  mchid              TEXT    NOT NULL,
  sub_mchid          TEXT    NOT NULL,
  out_bill_no        TEXT    NOT NULL,
  transfer_bill_no   TEXT    NOT NULL UNIQUE,
  appid              TEXT    NOT NULL,
  openid             TEXT    NOT NULL,
  transfer_scene_id  TEXT    NOT NULL,
  transfer_amount    INTEGER NOT NULL,
  transfer_remark    TEXT    NOT NULL,
  user_name          TEXT,
  notify_url         TEXT,
  package_info       TEXT    NOT NULL,
  state              TEXT    NOT NULL,
  fail_reason        TEXT,
  funds_locked       INTEGER NOT NULL DEFAULT 0,
  funds_short_since  INTEGER,
  create_time        INTEGER NOT NULL,
  update_time        INTEGER NOT NULL,
  request_canonical  TEXT    NOT NULL,
  version            INTEGER NOT NULL DEFAULT 0,
  UNIQUE (mchid, out_bill_no)
);
CREATE INDEX IF NOT EXISTS transfer_bills_waiting_funds ON transfer_bills (sub_mchid, state, id);
CREATE TABLE IF NOT EXISTS transfer_balances (
  sub_mchid TEXT    PRIMARY KEY,
  available INTEGER NOT NULL,
  locked    INTEGER NOT NULL DEFAULT 0
);
`;

export function migrate(db: Database): void {
  db.exec(SCHEMA);
}

interface Row {
  id: number;
  mchid: string;
  sub_mchid: string;
  out_bill_no: string;
  transfer_bill_no: string;
  appid: string;
  openid: string;
  transfer_scene_id: string;
  transfer_amount: number;
  transfer_remark: string;
  user_name: string | null;
  notify_url: string | null;
  package_info: string;
  state: string;
  fail_reason: string | null;
  funds_locked: number;
  funds_short_since: number | null;
  create_time: number;
  update_time: number;
  request_canonical: string;
  version: number;
}

function fromRow(row: Row): TransferBillRecord {
  return {
    id: row.id,
    mchid: row.mchid,
    subMchid: row.sub_mchid,
    outBillNo: row.out_bill_no,
    transferBillNo: row.transfer_bill_no,
    appid: row.appid,
    openid: row.openid,
    transferSceneId: row.transfer_scene_id,
    transferAmount: row.transfer_amount,
    transferRemark: row.transfer_remark,
    userName: row.user_name ?? undefined,
    notifyUrl: row.notify_url ?? undefined,
    packageInfo: row.package_info,
    state: row.state as TransferBillState,
    failReason: row.fail_reason ?? undefined,
    fundsLocked: row.funds_locked === 1,
    fundsShortSince: row.funds_short_since ?? undefined,
    createTime: row.create_time,
    updateTime: row.update_time,
    requestCanonical: row.request_canonical,
    version: row.version,
  };
}

export function insertBill(db: Database, bill: NewTransferBill): TransferBillRecord {
  const row = db
    .prepare(
      `INSERT INTO transfer_bills (mchid, sub_mchid, out_bill_no, transfer_bill_no, appid, openid,
         transfer_scene_id, transfer_amount, transfer_remark, user_name, notify_url, package_info, state,
         create_time, update_time, request_canonical)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING *`,
    )
    .get(
      bill.mchid,
      bill.subMchid,
      bill.outBillNo,
      bill.transferBillNo,
      bill.appid,
      bill.openid,
      bill.transferSceneId,
      bill.transferAmount,
      bill.transferRemark,
      bill.userName ?? null,
      bill.notifyUrl ?? null,
      bill.packageInfo,
      bill.state,
      bill.createTime,
      bill.updateTime,
      bill.requestCanonical,
    ) as Row;
  return fromRow(row);
}

export function findBill(db: Database, mchid: string, outBillNo: string): TransferBillRecord | undefined {
  const row = db
    .prepare('SELECT * FROM transfer_bills WHERE mchid = ? AND out_bill_no = ?')
    .get(mchid, outBillNo) as Row | undefined;
  return row && fromRow(row);
}

export function findBillById(db: Database, id: number): TransferBillRecord | undefined {
  const row = db.prepare('SELECT * FROM transfer_bills WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

/** PROCESSING bills of a sub-merchant that found its balance short, oldest first. */
export function billsWaitingForFunds(db: Database, subMchid: string): TransferBillRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM transfer_bills
       WHERE sub_mchid = ? AND state = 'PROCESSING' AND funds_short_since IS NOT NULL ORDER BY id`,
    )
    .all(subMchid) as Row[];
  return rows.map(fromRow);
}

/**
 * Writes the machine's result. The version check turns a write based on a stale read into an error instead
 * of a lost update (every caller reads and writes inside one transaction, so it never fires in practice).
 */
export function updateBill(
  db: Database,
  previous: TransferBillRecord,
  next: TransferBillRecord,
): TransferBillRecord {
  const result = db
    .prepare(
      `UPDATE transfer_bills SET state = ?, fail_reason = ?, funds_locked = ?, funds_short_since = ?,
         update_time = ?, version = version + 1
       WHERE id = ? AND version = ?`,
    )
    .run(
      next.state,
      next.failReason ?? null,
      next.fundsLocked ? 1 : 0,
      next.fundsShortSince ?? null,
      next.updateTime,
      previous.id,
      previous.version,
    );
  if (result.changes !== 1) {
    throw new Error(`transfer bill ${previous.outBillNo} changed since it was read (lost update refused)`);
  }
  return { ...next, version: previous.version + 1 };
}

export function listBills(db: Database, mchid?: string): TransferBillRecord[] {
  const rows = (
    mchid === undefined
      ? db.prepare('SELECT * FROM transfer_bills ORDER BY id').all()
      : db
          .prepare('SELECT * FROM transfer_bills WHERE mchid = ? OR sub_mchid = ? ORDER BY id')
          .all(mchid, mchid)
  ) as Row[];
  return rows.map(fromRow);
}

export interface Balance {
  subMchid: string;
  /** Fen that new bills may lock. */
  available: number;
  /** Fen held by bills between WAIT_USER_CONFIRM and their end. */
  locked: number;
}

export function getBalance(db: Database, subMchid: string): Balance {
  const row = db
    .prepare('SELECT available, locked FROM transfer_balances WHERE sub_mchid = ?')
    .get(subMchid) as { available: number; locked: number } | undefined;
  return { subMchid, available: row?.available ?? DEFAULT_BALANCE, locked: row?.locked ?? 0 };
}

function saveBalance(db: Database, balance: Balance): Balance {
  db.prepare(
    `INSERT INTO transfer_balances (sub_mchid, available, locked) VALUES (?, ?, ?)
     ON CONFLICT (sub_mchid) DO UPDATE SET available = excluded.available, locked = excluded.locked`,
  ).run(balance.subMchid, balance.available, balance.locked);
  return balance;
}

export function setAvailableBalance(db: Database, subMchid: string, available: number): Balance {
  return saveBalance(db, { ...getBalance(db, subMchid), available });
}

/** Moves `amount` between available and locked, or pays a locked amount out. */
export function moveFunds(
  db: Database,
  subMchid: string,
  effect: 'lock' | 'release' | 'debit',
  amount: number,
) {
  const b = getBalance(db, subMchid);
  if (effect === 'lock') {
    if (b.available < amount)
      throw new Error(`cannot lock ${amount} fen: ${subMchid} has ${b.available} available`);
    return saveBalance(db, { ...b, available: b.available - amount, locked: b.locked + amount });
  }
  const locked = b.locked - amount;
  if (locked < 0) throw new Error(`cannot ${effect} ${amount} fen: ${subMchid} has only ${b.locked} locked`);
  return saveBalance(db, {
    ...b,
    locked,
    available: effect === 'release' ? b.available + amount : b.available,
  });
}
