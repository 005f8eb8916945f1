import type { FamilyDeps } from '../family.js';
import {
  type RechargeEvent,
  type RechargeNotifyEvent,
  type RechargeTransition,
  rowFor,
  timerRowsFrom,
  transition,
} from './machine.js';
import { type NewRecharge, type Recharge, toFundReturnedResource, toNotificationResource } from './record.js';
import { insertRecharge, updateRecharge } from './store.js';

/**
 * The one place where a machine step takes effect: the next record is stored, the row's notification is queued
 * and the timers of the new state are scheduled, all inside the caller's transaction.
 */

const SUMMARIES: Record<RechargeNotifyEvent, string> = {
  'RECHARGE.SUCCESS': '充值成功',
  'RECHARGE.CLOSED': '充值单已关闭',
  'RECHARGE.FUND_RETURNED': '充值资金已退回',
};

export function timerRef(recharge: Pick<Recharge, 'sp_mchid' | 'out_recharge_no'>): string {
  return `${recharge.sp_mchid}:${recharge.out_recharge_no}`;
}

export function parseTimerRef(ref: string): { sp_mchid: string; out_recharge_no: string } | undefined {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { sp_mchid: ref.slice(0, at), out_recharge_no: ref.slice(at + 1) };
}

function scheduleTimers(deps: FamilyDeps, recharge: Recharge, nowMs: number): void {
  for (const row of timerRowsFrom(recharge.recharge_state)) {
    deps.schedule({
      family: 'recharges',
      kind: row.event,
      ref: timerRef(recharge),
      dueAt: nowMs + (row.afterMs ?? 0),
      // The state the timer was set for: if the recharge has left it by then, the timer does nothing.
      payload: { state: recharge.recharge_state },
    });
  }
}

function emit(deps: FamilyDeps, recharge: Recharge, eventType: RechargeNotifyEvent): void {
  if (recharge.notify_url === undefined) return;
  const lastReturn = recharge.fund_returns.at(-1);
  const resource =
    eventType === 'RECHARGE.FUND_RETURNED' && lastReturn
      ? toFundReturnedResource(recharge, lastReturn)
      : toNotificationResource(recharge);
  deps.notify({
    mchid: recharge.sp_mchid,
    url: recharge.notify_url,
    eventType,
    summary: SUMMARIES[eventType],
    originalType: 'recharge',
    associatedData: 'recharge',
    resource,
    family: 'recharges',
    resourceKey: recharge.out_recharge_no,
  });
}

function logTransition(deps: FamilyDeps, recharge: Recharge, row: RechargeTransition, atMs: number): void {
  deps.recordTransition({
    family: 'recharges',
    mchid: recharge.sp_mchid,
    resourceKey: recharge.out_recharge_no,
    from: row.from,
    to: row.to,
    event: row.event,
    actor: row.actor,
    at: atMs,
  });
}

export function createRecharge(deps: FamilyDeps, recharge: NewRecharge, request: string): Recharge {
  const nowMs = deps.clock.now();
  const created = transition(undefined, { type: 'apply', recharge }, { now: deps.formatTime(nowMs) });
  insertRecharge(deps.db, created, request, nowMs);
  logTransition(deps, created, rowFor(undefined, 'apply'), nowMs);
  scheduleTimers(deps, created, nowMs);
  return created;
}

/**
 * `atMs` is when the event happens: now for requests and control actions, the due time for a timer, so a timer
 * that runs late (after a restart, or a clock jump) still dates the transition, and the timers it sets, right.
 */
export function advance(
  deps: FamilyDeps,
  current: Recharge,
  event: RechargeEvent,
  atMs: number = deps.clock.now(),
): Recharge {
  const row = rowFor(current, event.type);
  const nowMs = atMs;
  const next = transition(current, event, { now: deps.formatTime(nowMs) });
  if (row.unchanged) return next;
  updateRecharge(deps.db, next, nowMs);
  logTransition(deps, next, row, nowMs);
  if (row.notify) emit(deps, next, row.notify);
  if (row.from !== row.to) scheduleTimers(deps, next, nowMs);
  return next;
}
