import type { DueTimer, FamilyDeps } from '../family.js';
import { advance } from './advance.js';
import { canTransition, type ScheduledStep, type TransferBillEvent } from './machine.js';
import { findBillById, getBalance, type TransferBillRecord } from './store.js';

function eventFor(
  deps: FamilyDeps,
  kind: ScheduledStep['kind'],
  bill: TransferBillRecord,
): TransferBillEvent {
  if (kind === 'lockFunds')
    return { type: 'lockFunds', available: getBalance(deps.db, bill.payerMchid).available };
  return { type: kind };
}

/**
 * Each timer delivers the event of its kind. A timer whose bill has moved on (cancelled, confirmed, settled by a
 * control action) does nothing. Transitions are dated at the due time, so a clock advanced past several steps
 * still yields the true timeline.
 */
function stepTimer(kind: ScheduledStep['kind']) {
  return (deps: FamilyDeps, timer: DueTimer): void => {
    const id = timer.payload?.['id'];
    const bill = typeof id === 'number' ? findBillById(deps.db, id) : undefined;
    if (!bill) return;
    const event = eventFor(deps, kind, bill);
    if (canTransition(bill, event)) advance(deps, bill, event, timer.dueAt);
  };
}

const KINDS: readonly ScheduledStep['kind'][] = [
  'accept',
  'lockFunds',
  'fundsOverdue',
  'confirmOverdue',
  'payout',
  'finishCancel',
];

export const timers: Record<string, (deps: FamilyDeps, timer: DueTimer) => void> = Object.fromEntries(
  KINDS.map((kind) => [kind, stepTimer(kind)]),
);
