import type { Database } from '../family.js';
import { migrateTransferScenes } from '../shared/transfer-scene.js';
import {
  type AuthorizationMachineRecord,
  type AuthorizationState,
  type CloseReason,
  OPEN_STATES,
} from './machine.js';

/** A stored authorization. Times are epoch ms (virtual clock); `version` guards every update. */
/** Which wire face created it: the ordinary merchant's A1 or A4, or the service provider's twin. */
export type AuthorizationFace = 'merchant' | 'partner';

export interface AuthorizationRecord extends AuthorizationMachineRecord {
  id: number;
  face: AuthorizationFace;
  mchid: string;
  appid: string;
  openid: string;
  transferSceneId: string;
  userDisplayName: string;
  userRecvPerception?: string | undefined;
  notifyUrl: string;
  /** Empty for an authorization granted on a transfer's confirm page (A4), which has no page of its own. */
  packageInfo: string;
  createTime: number;
  /** Canonical JSON of the A1 body: a repeated A1 must match it exactly. */
  requestCanonical: string;
  version: number;
}

export type NewAuthorization = Omit<AuthorizationRecord, 'id' | 'version'>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS authorizations (
  id                       INTEGER PRIMARY KEY AUTOINCREMENT,
  mchid                    TEXT    NOT NULL,
  out_authorization_no     TEXT    NOT NULL,
  appid                    TEXT    NOT NULL,
  openid                   TEXT    NOT NULL,
  transfer_scene_id        TEXT    NOT NULL,
  user_display_name        TEXT    NOT NULL,
  user_recv_perception     TEXT,
  authorization_notify_url TEXT    NOT NULL,
  package_info             TEXT    NOT NULL,
  state                    TEXT    NOT NULL,
  authorization_id         TEXT,
  authorize_time           INTEGER,
  close_time               INTEGER,
  close_reason             TEXT,
  create_time              INTEGER NOT NULL,
  request_canonical        TEXT    NOT NULL,
  version                  INTEGER NOT NULL DEFAULT 0,
  face                     TEXT    NOT NULL DEFAULT 'merchant',
  UNIQUE (mchid, out_authorization_no)
);
CREATE INDEX IF NOT EXISTS authorizations_user_scene
  ON authorizations (mchid, openid, transfer_scene_id, state);
CREATE INDEX IF NOT EXISTS authorizations_by_id ON authorizations (mchid, authorization_id);
`;

export function migrate(db: Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('authorizations')").all() as {
    name: string;
  }[];
  // Tables from before the partner face: every record in them is an ordinary merchant's.
  if (columns.length > 0 && !columns.some((c) => c.name === 'face')) {
    db.exec(`ALTER TABLE authorizations ADD COLUMN face TEXT NOT NULL DEFAULT 'merchant'`);
  }
  db.exec(SCHEMA);
  // apply reads the scenes the merchant has (shared with the transfer bills).
  migrateTransferScenes(db);
}

interface Row {
  id: number;
  mchid: string;
  out_authorization_no: string;
  appid: string;
  openid: string;
  transfer_scene_id: string;
  user_display_name: string;
  user_recv_perception: string | null;
  authorization_notify_url: string;
  package_info: string;
  state: string;
  authorization_id: string | null;
  authorize_time: number | null;
  close_time: number | null;
  close_reason: string | null;
  create_time: number;
  request_canonical: string;
  version: number;
  face: string;
}

function fromRow(row: Row): AuthorizationRecord {
  return {
    id: row.id,
    face: row.face as AuthorizationFace,
    mchid: row.mchid,
    outAuthorizationNo: row.out_authorization_no,
    appid: row.appid,
    openid: row.openid,
    transferSceneId: row.transfer_scene_id,
    userDisplayName: row.user_display_name,
    userRecvPerception: row.user_recv_perception ?? undefined,
    notifyUrl: row.authorization_notify_url,
    packageInfo: row.package_info,
    state: row.state as AuthorizationState,
    authorizationId: row.authorization_id ?? undefined,
    authorizeTime: row.authorize_time ?? undefined,
    closeTime: row.close_time ?? undefined,
    closeReason: (row.close_reason ?? undefined) as CloseReason | undefined,
    createTime: row.create_time,
    requestCanonical: row.request_canonical,
    version: row.version,
  };
}

/**
 * Inserts without `RETURNING *`: SQLite gathers RETURNING rows in a table of their own, which cost about as much
 * again as the insert itself. The stored record is the given one with its new id and version 0, field for field
 * what `fromRow` reads back.
 */
export function insertAuthorization(db: Database, record: NewAuthorization): AuthorizationRecord {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO authorizations (face, mchid, out_authorization_no, appid, openid, transfer_scene_id,
         user_display_name, user_recv_perception, authorization_notify_url, package_info, state,
         authorization_id, authorize_time, create_time, request_canonical)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      record.face,
      record.mchid,
      record.outAuthorizationNo,
      record.appid,
      record.openid,
      record.transferSceneId,
      record.userDisplayName,
      record.userRecvPerception ?? null,
      record.notifyUrl,
      record.packageInfo,
      record.state,
      record.authorizationId ?? null,
      record.authorizeTime ?? null,
      record.createTime,
      record.requestCanonical,
    );
  return {
    id: Number(lastInsertRowid),
    face: record.face,
    mchid: record.mchid,
    outAuthorizationNo: record.outAuthorizationNo,
    appid: record.appid,
    openid: record.openid,
    transferSceneId: record.transferSceneId,
    userDisplayName: record.userDisplayName,
    userRecvPerception: record.userRecvPerception,
    notifyUrl: record.notifyUrl,
    packageInfo: record.packageInfo,
    state: record.state,
    authorizationId: record.authorizationId,
    authorizeTime: record.authorizeTime,
    // A new record is never closed (the columns start NULL).
    closeTime: undefined,
    closeReason: undefined,
    createTime: record.createTime,
    requestCanonical: record.requestCanonical,
    version: 0,
  };
}

export function findAuthorization(
  db: Database,
  mchid: string,
  outAuthorizationNo: string,
): AuthorizationRecord | undefined {
  const row = db
    .prepare('SELECT * FROM authorizations WHERE mchid = ? AND out_authorization_no = ?')
    .get(mchid, outAuthorizationNo) as Row | undefined;
  return row && fromRow(row);
}

export function findByAuthorizationId(
  db: Database,
  mchid: string,
  authorizationId: string,
): AuthorizationRecord | undefined {
  const row = db
    .prepare('SELECT * FROM authorizations WHERE mchid = ? AND authorization_id = ?')
    .get(mchid, authorizationId) as Row | undefined;
  return row && fromRow(row);
}

export function findAuthorizationById(db: Database, id: number): AuthorizationRecord | undefined {
  const row = db.prepare('SELECT * FROM authorizations WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

// Built once: the statement cache is keyed by the SQL text, which every apply would otherwise build again.
const COUNT_OPEN_SQL = `SELECT COUNT(*) AS n FROM authorizations
  WHERE mchid = ? AND openid = ? AND transfer_scene_id = ? AND state IN (${OPEN_STATES.map(() => '?').join(', ')})`;

/** Open authorizations (WAIT_USER_CONFIRM, TAKING_EFFECT) of one user in one scene, for the limit of 5. */
export function countOpenAuthorizations(
  db: Database,
  mchid: string,
  openid: string,
  transferSceneId: string,
): number {
  const { n } = db.prepare(COUNT_OPEN_SQL).get(mchid, openid, transferSceneId, ...OPEN_STATES) as {
    n: number;
  };
  return n;
}

/**
 * Writes the machine's result. The version check turns a write based on a stale read into an error instead
 * of a lost update (every caller reads and writes inside one transaction, so it never fires in practice).
 */
export function updateAuthorization(
  db: Database,
  previous: AuthorizationRecord,
  next: AuthorizationRecord,
): AuthorizationRecord {
  const result = db
    .prepare(
      `UPDATE authorizations SET state = ?, authorization_id = ?, authorize_time = ?, close_time = ?,
         close_reason = ?, version = version + 1
       WHERE id = ? AND version = ?`,
    )
    .run(
      next.state,
      next.authorizationId ?? null,
      next.authorizeTime ?? null,
      next.closeTime ?? null,
      next.closeReason ?? null,
      previous.id,
      previous.version,
    );
  if (result.changes !== 1) {
    throw new Error(
      `authorization ${previous.outAuthorizationNo} changed since it was read (lost update refused)`,
    );
  }
  return { ...next, version: previous.version + 1 };
}

export function deleteAuthorization(db: Database, id: number): void {
  db.prepare('DELETE FROM authorizations WHERE id = ?').run(id);
}

export function listAuthorizations(db: Database, mchid?: string): AuthorizationRecord[] {
  const rows = (
    mchid === undefined
      ? db.prepare('SELECT * FROM authorizations ORDER BY id').all()
      : db.prepare('SELECT * FROM authorizations WHERE mchid = ? ORDER BY id').all(mchid)
  ) as Row[];
  return rows.map(fromRow);
}
