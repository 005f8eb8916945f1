import type { DueTimer, FamilyDeps } from '../family.js';
import { advance, parseTimerRef } from './advance.js';
import { allows } from './machine.js';
import { findRecharge } from './store.js';

/**
 * RECHARGING → CLOSED after 7 days, dated at the deadline however late the timer runs. A timer whose recharge has
 * moved on (paid, closed by the platform) or whose recharge no longer exists (after a reset) does nothing.
 */
export function expireRecharge(deps: FamilyDeps, timer: DueTimer): void {
  const key = parseTimerRef(timer.ref);
  if (!key) return;
  const stored = findRecharge(deps.db, key.sp_mchid, key.out_recharge_no);
  if (!stored) return;
  const setFor = timer.payload?.['state'];
  if (setFor !== undefined && setFor !== stored.recharge.recharge_state) return;
  if (!allows(stored.recharge, 'expire')) return;
  advance(deps, stored.recharge, { type: 'expire' }, timer.dueAt);
}
