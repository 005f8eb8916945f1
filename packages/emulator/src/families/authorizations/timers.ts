import type { DueTimer, FamilyDeps } from '../family.js';
import { advance } from './advance.js';
import { canTransition } from './machine.js';
import { findAuthorizationById } from './store.js';

function recordOf(deps: FamilyDeps, timer: DueTimer) {
  const id = timer.payload?.['id'];
  return typeof id === 'number' ? findAuthorizationById(deps.db, id) : undefined;
}

/**
 * Timer handlers. A timer whose record has moved on (confirmed, closed, purged) does nothing. Transitions are
 * dated at the timer's due time, so a clock advanced past several deadlines still yields the true timeline.
 */
export const timers: Record<string, (deps: FamilyDeps, timer: DueTimer) => void> = {
  overdue(deps, timer) {
    const record = recordOf(deps, timer);
    if (record && canTransition(record, 'overdue')) advance(deps, record, { type: 'overdue' }, timer.dueAt);
  },
  purge(deps, timer) {
    const record = recordOf(deps, timer);
    if (record && canTransition(record, 'purge')) advance(deps, record, { type: 'purge' }, timer.dueAt);
  },
};
