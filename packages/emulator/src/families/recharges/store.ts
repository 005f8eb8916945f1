import type { Database } from '../family.js';
import type { Recharge } from './record.js';

/**
 * Recharges are keyed by (platform, out_recharge_no): the number is unique within the platform (spec P2.3).
 * The record is kept as JSON; the columns beside it exist for lookups and for the control API's listings.
 */
export function migrate(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS recharges (
      sp_mchid        TEXT    NOT NULL,
      out_recharge_no TEXT    NOT NULL,
      sub_mchid       TEXT    NOT NULL,
      recharge_id     TEXT    NOT NULL UNIQUE,
      recharge_state  TEXT    NOT NULL,
      request         TEXT    NOT NULL,
      record          TEXT    NOT NULL,
      created_at      INTEGER NOT NULL,
      updated_at      INTEGER NOT NULL,
      PRIMARY KEY (sp_mchid, out_recharge_no)
    );
    CREATE INDEX IF NOT EXISTS recharges_sub_mchid ON recharges (sub_mchid);
  `);
}

export interface StoredRecharge {
  recharge: Recharge;
  /** Canonical form of the apply body, for the idempotency check. */
  request: string;
}

interface Row {
  record: string;
  request: string;
}

function fromRow(row: Row | undefined): StoredRecharge | undefined {
  return row ? { recharge: JSON.parse(row.record) as Recharge, request: row.request } : undefined;
}

export function findRecharge(
  db: Database,
  spMchid: string,
  outRechargeNo: string,
): StoredRecharge | undefined {
  const row = db
    .prepare('SELECT record, request FROM recharges WHERE sp_mchid = ? AND out_recharge_no = ?')
    .get(spMchid, outRechargeNo) as Row | undefined;
  return fromRow(row);
}

export function insertRecharge(db: Database, recharge: Recharge, request: string, nowMs: number): void {
  db.prepare(
    `INSERT INTO recharges
       (sp_mchid, out_recharge_no, sub_mchid, recharge_id, recharge_state, request, record, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    recharge.sp_mchid,
    recharge.out_recharge_no,
    recharge.sub_mchid,
    recharge.recharge_id,
    recharge.recharge_state,
    request,
    JSON.stringify(recharge),
    nowMs,
    nowMs,
  );
}

export function updateRecharge(db: Database, recharge: Recharge, nowMs: number): void {
  const result = db
    .prepare(
      `UPDATE recharges SET recharge_state = ?, record = ?, updated_at = ?
       WHERE sp_mchid = ? AND out_recharge_no = ?`,
    )
    .run(
      recharge.recharge_state,
      JSON.stringify(recharge),
      nowMs,
      recharge.sp_mchid,
      recharge.out_recharge_no,
    );
  if (result.changes !== 1) {
    throw new Error(
      `recharges store: no recharge ${recharge.sp_mchid}/${recharge.out_recharge_no} to update`,
    );
  }
}

/** Recharges where the merchant is the platform or the paying sub-merchant; all of them without a filter. */
export function listRecharges(db: Database, mchid?: string): Recharge[] {
  const rows = (
    mchid === undefined
      ? db.prepare('SELECT record FROM recharges ORDER BY created_at, out_recharge_no').all()
      : db
          .prepare(
            'SELECT record FROM recharges WHERE sp_mchid = ? OR sub_mchid = ? ORDER BY created_at, out_recharge_no',
          )
          .all(mchid, mchid)
  ) as { record: string }[];
  return rows.map((row) => JSON.parse(row.record) as Recharge);
}
