import type { FamilyDeps } from '../family.js';
import {
  type CancelWithdrawEvent,
  type CancelWithdrawTransition,
  rowFor,
  timerRowsFor,
  transition,
} from './machine.js';
import type { CancelWithdraw, NewCancelWithdraw } from './record.js';
import { debitBalances, insertApplication, updateApplication } from './store.js';

/**
 * The one place where a machine step takes effect: the next application is stored, balances are debited when
 * the row says so, and the timers of the new state are scheduled, all inside the caller's transaction.
 * This family sends no notifications: WeChat Pay documents no event type for it (spec P2.4).
 */

function scheduleTimers(deps: FamilyDeps, application: CancelWithdraw, nowMs: number): void {
  for (const row of timerRowsFor(application)) {
    const delay = row.after === 'asyncStep' ? deps.settings.asyncStepMs : (row.after ?? 0);
    deps.schedule({
      family: 'cancelWithdraws',
      kind: row.event,
      ref: application.applyment_id,
      dueAt: nowMs + delay,
      // The state the timer was set for: if the application has left it by then, the timer does nothing.
      payload: { state: application.cancel_state },
    });
  }
}

/** The timeline key is the merchant's own number, as the other families' out-numbers. */
function logTransition(
  deps: FamilyDeps,
  application: CancelWithdraw,
  row: CancelWithdrawTransition,
  atMs: number,
) {
  deps.recordTransition({
    family: 'cancelWithdraws',
    mchid: application.sp_mchid,
    resourceKey: application.out_request_no,
    from: row.from,
    to: row.to,
    event: row.event,
    actor: row.actor,
    at: atMs,
  });
}

export function createApplication(
  deps: FamilyDeps,
  application: NewCancelWithdraw,
  requestDigest: string,
): CancelWithdraw {
  const nowMs = deps.clock.now();
  const created = transition(undefined, { type: 'apply', application }, { now: deps.formatTime(nowMs) });
  insertApplication(deps.db, created, requestDigest, nowMs);
  logTransition(deps, created, rowFor(undefined, 'apply'), nowMs);
  scheduleTimers(deps, created, nowMs);
  return created;
}

/**
 * `atMs` is when the event happens: now for requests and control actions, the due time for a timer, so a timer
 * that runs late (after a restart, or a clock jump) still dates the step, and counts the next timers, from then.
 */
export function advance(
  deps: FamilyDeps,
  current: CancelWithdraw,
  event: CancelWithdrawEvent,
  atMs: number = deps.clock.now(),
): CancelWithdraw {
  const row = rowFor(current, event.type, event);
  if (row.unchanged) return current;
  const nowMs = atMs;
  const next = transition(current, event, { now: deps.formatTime(nowMs) });
  updateApplication(deps.db, next, nowMs);
  logTransition(deps, next, row, nowMs);
  if (row.debitsBalances && next.account_info)
    debitBalances(deps.db, next.sub_mchid, next.account_info, nowMs);
  if (row.from !== row.to) scheduleTimers(deps, next, nowMs);
  return next;
}
