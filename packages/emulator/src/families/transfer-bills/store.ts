import type { Database } from '../family.js';
import { migrateTransferScenes } from '../shared/transfer-scene.js';
import type { TransferBillMachineRecord, TransferBillState } from './machine.js';

/** Which wire face created the bill: the ordinary merchant's (T1, A4, A5) or the service provider's (P1, …). */
export type TransferBillFace = 'merchant' | 'partner';

/** What an A4 bill offers the user besides the transfer (its `authorization_info`). */
export interface AuthorizationOffer {
  outAuthorizationNo: string;
  userDisplayName: string;
  notifyUrl: string;
}

/** A stored bill. `userName` is the decrypted plaintext: ciphertexts are made afresh for each reply. */
export interface TransferBillRecord extends TransferBillMachineRecord {
  id: number;
  face: TransferBillFace;
  /** The caller that created the bill: the ordinary merchant, or the service provider. */
  mchid: string;
  /** The paying sub-merchant (partner face only). */
  subMchid?: string | undefined;
  /** Whose balance pays and whose quotas apply: the sub-merchant, or the ordinary merchant itself. */
  payerMchid: string;
  transferBillNo: string;
  appid: string;
  transferSceneId: string;
  transferRemark: string;
  userName?: string | undefined;
  notifyUrl?: string | undefined;
  packageInfo: string;
  createTime: number;
  /** A5: the authorization the transfer went under. */
  authorizationId?: string | undefined;
  outAuthorizationNo?: string | undefined;
  /** A4: the authorization the confirm page offers. */
  authorizationOffer?: AuthorizationOffer | undefined;
  /** Canonical JSON of the create body (plaintext user_name): a repeated create must match it exactly. */
  requestCanonical: string;
  version: number;
}

export type NewTransferBill = Omit<TransferBillRecord, 'id' | 'version'>;

/** Paying merchants start with 1,000,000 CNY available (settable through the control API). */
export const DEFAULT_BALANCE = 100_000_000;

const COLUMNS = `
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  face                 TEXT    NOT NULL DEFAULT 'partner',
  mchid                TEXT    NOT NULL,
  sub_mchid            TEXT,
  payer_mchid          TEXT    NOT NULL,
  out_bill_no          TEXT    NOT NULL,
  transfer_bill_no     TEXT    NOT NULL UNIQUE,
  appid                TEXT    NOT NULL,
  openid               TEXT    NOT NULL,
  transfer_scene_id    TEXT    NOT NULL,
  transfer_amount      INTEGER NOT NULL,
  transfer_remark      TEXT    NOT NULL,
  user_name            TEXT,
  notify_url           TEXT,
  package_info         TEXT    NOT NULL,
  state                TEXT    NOT NULL,
  fail_reason          TEXT,
  funds_locked         INTEGER NOT NULL DEFAULT 0,
  funds_short_since    INTEGER,
  authorized           INTEGER NOT NULL DEFAULT 0,
  authorization_id     TEXT,
  out_authorization_no TEXT,
  authorization_offer  TEXT,
  create_time          INTEGER NOT NULL,
  update_time          INTEGER NOT NULL,
  request_canonical    TEXT    NOT NULL,
  version              INTEGER NOT NULL DEFAULT 0,
  UNIQUE (mchid, out_bill_no)`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS transfer_bills (${COLUMNS}
);
CREATE INDEX IF NOT EXISTS transfer_bills_waiting_funds ON transfer_bills (payer_mchid, state, id);
CREATE INDEX IF NOT EXISTS transfer_bills_payer_day ON transfer_bills (payer_mchid, create_time);
CREATE TABLE IF NOT EXISTS transfer_balances (
  sub_mchid TEXT    PRIMARY KEY,
  available INTEGER NOT NULL,
  locked    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS transfer_payer_rules (
  payer_mchid      TEXT PRIMARY KEY,
  per_transfer     INTEGER,
  per_user_per_day INTEGER,
  per_day          INTEGER,
  per_month        INTEGER,
  scenes           TEXT
);
`;

/** Tables written before the merchant face existed hold partner bills only: rebuilt once with the new columns. */
function upgradeLegacyTable(db: Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('transfer_bills')").all() as {
    name: string;
  }[];
  if (columns.length === 0 || columns.some((c) => c.name === 'payer_mchid')) return;
  db.exec(`
    ALTER TABLE transfer_bills RENAME TO transfer_bills_legacy;
    DROP INDEX IF EXISTS transfer_bills_waiting_funds;
    CREATE TABLE transfer_bills (${COLUMNS}
    );
    INSERT INTO transfer_bills (id, face, mchid, sub_mchid, payer_mchid, out_bill_no, transfer_bill_no, appid,
      openid, transfer_scene_id, transfer_amount, transfer_remark, user_name, notify_url, package_info, state,
      fail_reason, funds_locked, funds_short_since, create_time, update_time, request_canonical, version)
    SELECT id, 'partner', mchid, sub_mchid, sub_mchid, out_bill_no, transfer_bill_no, appid, openid,
      transfer_scene_id, transfer_amount, transfer_remark, user_name, notify_url, package_info, state,
      fail_reason, funds_locked, funds_short_since, create_time, update_time, request_canonical, version
    FROM transfer_bills_legacy;
    DROP TABLE transfer_bills_legacy;
  `);
}

export function migrate(db: Database): void {
  upgradeLegacyTable(db);
  db.exec(SCHEMA);
  migrateTransferScenes(db);
  // Scenes used to be kept with the payer's quotas; they are a merchant setting authorizations read too.
  db.exec(`
    INSERT OR IGNORE INTO merchant_transfer_scenes (mchid, scenes)
      SELECT payer_mchid, scenes FROM transfer_payer_rules WHERE scenes IS NOT NULL;
    UPDATE transfer_payer_rules SET scenes = NULL WHERE scenes IS NOT NULL;
  `);
}

interface Row {
  id: number;
  face: string;
  mchid: string;
  sub_mchid: string | null;
  payer_mchid: string;
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
  authorized: number;
  authorization_id: string | null;
  out_authorization_no: string | null;
  authorization_offer: string | null;
  create_time: number;
  update_time: number;
  request_canonical: string;
  version: number;
}

function fromRow(row: Row): TransferBillRecord {
  return {
    id: row.id,
    face: row.face as TransferBillFace,
    mchid: row.mchid,
    subMchid: row.sub_mchid ?? undefined,
    payerMchid: row.payer_mchid,
    outBillNo: row.out_bill_no,
    transferBillNo: row.transfer_bill_no,
    appid: row.appid,
    // '' in the column: an A4 bill no user has confirmed yet names no openid.
    openid: row.openid === '' ? undefined : row.openid,
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
    authorized: row.authorized === 1,
    authorizationId: row.authorization_id ?? undefined,
    outAuthorizationNo: row.out_authorization_no ?? undefined,
    authorizationOffer:
      row.authorization_offer === null
        ? undefined
        : (JSON.parse(row.authorization_offer) as AuthorizationOffer),
    offersAuthorization: row.authorization_offer !== null,
    createTime: row.create_time,
    updateTime: row.update_time,
    requestCanonical: row.request_canonical,
    version: row.version,
  };
}

export function insertBill(db: Database, bill: NewTransferBill): TransferBillRecord {
  const row = db
    .prepare(
      `INSERT INTO transfer_bills (face, mchid, sub_mchid, payer_mchid, out_bill_no, transfer_bill_no, appid,
         openid, transfer_scene_id, transfer_amount, transfer_remark, user_name, notify_url, package_info, state,
         authorized, authorization_id, out_authorization_no, authorization_offer, create_time, update_time,
         request_canonical)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING *`,
    )
    .get(
      bill.face,
      bill.mchid,
      bill.subMchid ?? null,
      bill.payerMchid,
      bill.outBillNo,
      bill.transferBillNo,
      bill.appid,
      bill.openid ?? '',
      bill.transferSceneId,
      bill.transferAmount,
      bill.transferRemark,
      bill.userName ?? null,
      bill.notifyUrl ?? null,
      bill.packageInfo,
      bill.state,
      bill.authorized ? 1 : 0,
      bill.authorizationId ?? null,
      bill.outAuthorizationNo ?? null,
      bill.authorizationOffer === undefined ? null : JSON.stringify(bill.authorizationOffer),
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

export function findBillByTransferBillNo(
  db: Database,
  mchid: string,
  transferBillNo: string,
): TransferBillRecord | undefined {
  const row = db
    .prepare('SELECT * FROM transfer_bills WHERE mchid = ? AND transfer_bill_no = ?')
    .get(mchid, transferBillNo) as Row | undefined;
  return row && fromRow(row);
}

export function findBillById(db: Database, id: number): TransferBillRecord | undefined {
  const row = db.prepare('SELECT * FROM transfer_bills WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

/** PROCESSING bills of a paying merchant that found its balance short, oldest first. */
export function billsWaitingForFunds(db: Database, payerMchid: string): TransferBillRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM transfer_bills
       WHERE payer_mchid = ? AND state = 'PROCESSING' AND funds_short_since IS NOT NULL ORDER BY id`,
    )
    .all(payerMchid) as Row[];
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
      `UPDATE transfer_bills SET state = ?, openid = ?, fail_reason = ?, funds_locked = ?,
         funds_short_since = ?, update_time = ?, version = version + 1
       WHERE id = ? AND version = ?`,
    )
    .run(
      next.state,
      next.openid ?? '',
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
          .prepare('SELECT * FROM transfer_bills WHERE mchid = ? OR payer_mchid = ? ORDER BY id')
          .all(mchid, mchid)
  ) as Row[];
  return rows.map(fromRow);
}

/**
 * What a paying merchant's bills add up to in a window [from, to), counting every bill that has not failed or
 * been cancelled (a quota is used once a bill is accepted, and given back only when it does not pay out).
 */
export function spentBetween(
  db: Database,
  payerMchid: string,
  from: number,
  to: number,
  openid?: string,
): number {
  const { total } = db
    .prepare(
      `SELECT COALESCE(SUM(transfer_amount), 0) AS total FROM transfer_bills
       WHERE payer_mchid = ? AND create_time >= ? AND create_time < ? AND state NOT IN ('FAIL', 'CANCELLED')
         AND (? IS NULL OR openid = ?)`,
    )
    .get(payerMchid, from, to, openid ?? null, openid ?? null) as { total: number };
  return total;
}

/** A paying merchant's funds (the column keeps its first name, sub_mchid, for existing databases). */
export interface Balance {
  payerMchid: string;
  /** Fen that new bills may lock. */
  available: number;
  /** Fen held by bills between WAIT_USER_CONFIRM and their end. */
  locked: number;
}

export function getBalance(db: Database, payerMchid: string): Balance {
  const row = db
    .prepare('SELECT available, locked FROM transfer_balances WHERE sub_mchid = ?')
    .get(payerMchid) as { available: number; locked: number } | undefined;
  return { payerMchid, available: row?.available ?? DEFAULT_BALANCE, locked: row?.locked ?? 0 };
}

function saveBalance(db: Database, balance: Balance): Balance {
  db.prepare(
    `INSERT INTO transfer_balances (sub_mchid, available, locked) VALUES (?, ?, ?)
     ON CONFLICT (sub_mchid) DO UPDATE SET available = excluded.available, locked = excluded.locked`,
  ).run(balance.payerMchid, balance.available, balance.locked);
  return balance;
}

export function setAvailableBalance(db: Database, payerMchid: string, available: number): Balance {
  return saveBalance(db, { ...getBalance(db, payerMchid), available });
}

/** Moves `amount` between available and locked, or pays a locked amount out. */
export function moveFunds(
  db: Database,
  payerMchid: string,
  effect: 'lock' | 'release' | 'debit',
  amount: number,
) {
  const b = getBalance(db, payerMchid);
  if (effect === 'lock') {
    if (b.available < amount)
      throw new Error(`cannot lock ${amount} fen: ${payerMchid} has ${b.available} available`);
    return saveBalance(db, { ...b, available: b.available - amount, locked: b.locked + amount });
  }
  const locked = b.locked - amount;
  if (locked < 0)
    throw new Error(`cannot ${effect} ${amount} fen: ${payerMchid} has only ${b.locked} locked`);
  return saveBalance(db, {
    ...b,
    locked,
    available: effect === 'release' ? b.available + amount : b.available,
  });
}

/** The limits a paying merchant set (or had raised) for its transfers, in fen (its scenes: shared/transfer-scene). */
export interface PayerRules {
  perTransfer?: number | undefined;
  perUserPerDay?: number | undefined;
  perDay?: number | undefined;
  perMonth?: number | undefined;
}

export function getPayerRules(db: Database, payerMchid: string): PayerRules {
  const row = db.prepare('SELECT * FROM transfer_payer_rules WHERE payer_mchid = ?').get(payerMchid) as
    | {
        per_transfer: number | null;
        per_user_per_day: number | null;
        per_day: number | null;
        per_month: number | null;
      }
    | undefined;
  if (!row) return {};
  return {
    perTransfer: row.per_transfer ?? undefined,
    perUserPerDay: row.per_user_per_day ?? undefined,
    perDay: row.per_day ?? undefined,
    perMonth: row.per_month ?? undefined,
  };
}

export function savePayerRules(db: Database, payerMchid: string, rules: PayerRules): void {
  db.prepare(
    `INSERT INTO transfer_payer_rules (payer_mchid, per_transfer, per_user_per_day, per_day, per_month)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (payer_mchid) DO UPDATE SET per_transfer = excluded.per_transfer,
       per_user_per_day = excluded.per_user_per_day, per_day = excluded.per_day,
       per_month = excluded.per_month`,
  ).run(
    payerMchid,
    rules.perTransfer ?? null,
    rules.perUserPerDay ?? null,
    rules.perDay ?? null,
    rules.perMonth ?? null,
  );
}
