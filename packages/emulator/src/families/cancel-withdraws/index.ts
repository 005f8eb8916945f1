import type { FamilyModule } from '../family.js';
import { control } from './control.js';
import { inspectView } from './record.js';
import { operations } from './routes.js';
import { listApplications, migrate } from './store.js';
import { timers } from './timers.js';

/**
 * 电商收付通 · 二级商户注销提现: validate, apply, the two queries and the platform's confirmation, with review,
 * staff confirmation, payouts and balances on the control API. No notifications (none documented).
 */
export const cancelWithdrawsFamily: FamilyModule = {
  family: 'cancelWithdraws',
  migrate,
  operations,
  timers,
  control,
  inspect: {
    list: (deps, filter) => listApplications(deps.db, filter.mchid).map(inspectView),
  },
};
