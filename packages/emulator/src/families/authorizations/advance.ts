import type { FamilyDeps } from '../family.js';
import { toNotificationResource } from './entity.js';
import {
  type AuthorizationEvent,
  type AuthorizationEventType,
  type AuthorizationTransition,
  transition,
} from './machine.js';
import { type AuthorizationRecord, deleteAuthorization, updateAuthorization } from './store.js';

const SUMMARIES: Record<AuthorizationEventType, string> = {
  'MCHTRANSFER.AUTHORIZATION.CONFIRMED': '商家转账用户免确认收款授权确认通知',
  'MCHTRANSFER.AUTHORIZATION.CLOSED': '商家转账用户免确认收款授权关闭通知',
};

/** Starts the timers and the notification a transition row names, for the record as it now is. */
export function applyEffects(
  deps: FamilyDeps,
  record: AuthorizationRecord,
  row: AuthorizationTransition,
  now: number,
): void {
  deps.recordTransition({
    family: 'authorizations',
    mchid: record.mchid,
    resourceKey: record.outAuthorizationNo,
    from: row.from,
    to: row.to,
    event: row.event,
    actor: row.actor,
    at: now,
  });
  for (const timer of row.schedule ?? []) {
    deps.schedule({
      family: 'authorizations',
      kind: timer.kind,
      ref: `${record.mchid}:${record.outAuthorizationNo}`,
      dueAt: now + timer.afterMs,
      payload: { id: record.id },
    });
  }
  if (row.notify === undefined) return;
  deps.notify({
    mchid: record.mchid,
    url: record.notifyUrl,
    eventType: row.notify,
    summary: SUMMARIES[row.notify],
    originalType: 'mch_payment',
    associatedData: 'mch_payment',
    resource: toNotificationResource(record, deps.formatTime),
    family: 'authorizations',
    resourceKey: record.outAuthorizationNo,
  });
}

/**
 * Runs one event through the machine and persists the result with its effects, in the caller's transaction.
 * `now` is the event's time: the clock for requests and control actions, the due time for timers. A row to
 * `null` deletes the record (and the record as it last was is returned).
 */
export function advance(
  deps: FamilyDeps,
  record: AuthorizationRecord,
  event: AuthorizationEvent,
  now: number,
): AuthorizationRecord {
  const step = transition(record, event, now);
  if (step.row.idempotent) return record;
  if (step.row.to === null) {
    deleteAuthorization(deps.db, record.id);
    return record;
  }
  const saved = updateAuthorization(deps.db, record, step.record);
  applyEffects(deps, saved, step.row, now);
  return saved;
}
