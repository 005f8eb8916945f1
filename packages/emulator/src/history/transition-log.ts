import type { Actor, Database } from '../families/family.js';

/**
 * Every state change of every resource, in order: the timeline the dashboard shows. Each family writes its rows
 * from the same place it applies a machine row (so the actor is the row's own), inside the transaction that
 * changes the record: a transition is logged exactly when it happened.
 */
export interface TransitionEntry {
  family: string;
  /** The merchant that owns the resource (the caller that created it). */
  mchid: string;
  /** The same key the family's notifications carry (`resourceKey`), e.g. the out-number. */
  resourceKey: string;
  /** `null`: the resource was created by this transition. */
  from: string | null;
  /** `null`: the resource was deleted. */
  to: string | null;
  event: string;
  actor: Actor;
  /** Virtual time, epoch ms. */
  at: number;
}

export interface StoredTransition extends TransitionEntry {
  id: number;
}

export function migrateTransitionLog(db: Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS transitions (
      id           INTEGER PRIMARY KEY,
      family       TEXT    NOT NULL,
      mchid        TEXT    NOT NULL,
      resource_key TEXT    NOT NULL,
      from_state   TEXT,
      to_state     TEXT,
      event        TEXT    NOT NULL,
      actor        TEXT    NOT NULL,
      at           INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS transitions_by_resource ON transitions (family, resource_key, id);
  `);
}

export function recordTransition(db: Database, entry: TransitionEntry): void {
  db.prepare(
    `INSERT INTO transitions (family, mchid, resource_key, from_state, to_state, event, actor, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    entry.family,
    entry.mchid,
    entry.resourceKey,
    entry.from,
    entry.to,
    entry.event,
    entry.actor,
    Math.round(entry.at),
  );
}

interface Row {
  id: number;
  family: string;
  mchid: string;
  resource_key: string;
  from_state: string | null;
  to_state: string | null;
  event: string;
  actor: Actor;
  at: number;
}

/** A resource's transitions, oldest first. */
export function listTransitions(
  db: Database,
  filter: { family: string; resourceKey: string; mchid?: string | undefined },
): StoredTransition[] {
  const rows = db
    .prepare(
      `SELECT * FROM transitions WHERE family = ? AND resource_key = ? AND (? IS NULL OR mchid = ?) ORDER BY id`,
    )
    .all(filter.family, filter.resourceKey, filter.mchid ?? null, filter.mchid ?? null) as Row[];
  return rows.map((row) => ({
    id: row.id,
    family: row.family,
    mchid: row.mchid,
    resourceKey: row.resource_key,
    from: row.from_state,
    to: row.to_state,
    event: row.event,
    actor: row.actor,
    at: row.at,
  }));
}
