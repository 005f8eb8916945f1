import type { DueTimer, FamilyDeps } from '../family.js';
import { advance } from './advance.js';
import { allows, type CancelWithdrawEvent } from './machine.js';
import { findByApplymentId, getBalances } from './store.js';

type TimerEvent = Extract<
  CancelWithdrawEvent['type'],
  'review' | 'revoke' | 'cancelMerchant' | 'settle' | 'payOut'
>;

/**
 * One handler per timer row of the machine (the timer kind is the event name), dated at the timer's due time.
 * A timer whose application has left the state it was set for, or no longer exists, does nothing.
 */
function runTimer(event: TimerEvent) {
  return (deps: FamilyDeps, timer: DueTimer): void => {
    const stored = findByApplymentId(deps.db, timer.ref);
    if (!stored) return;
    const application = stored.application;
    const setFor = timer.payload?.['state'];
    if (setFor !== undefined && setFor !== application.cancel_state) return;
    if (!allows(application, event)) return;
    advance(
      deps,
      application,
      event === 'settle'
        ? { type: 'settle', balances: getBalances(deps.db, application.sub_mchid) }
        : { type: event },
      timer.dueAt,
    );
  };
}

export const timers: Record<string, (deps: FamilyDeps, timer: DueTimer) => void> = {
  review: runTimer('review'),
  revoke: runTimer('revoke'),
  cancelMerchant: runTimer('cancelMerchant'),
  settle: runTimer('settle'),
  payOut: runTimer('payOut'),
};
