import type { FamilyModule } from '../family.js';
import { control, inspectView } from './control.js';
import { operations } from './routes.js';
import { listRecharges, migrate } from './store.js';
import { expireRecharge } from './timers.js';

/** 平台收付通 · 二级商户充值: recharges.apply / get / close, the payer's payment and the bank's returns. */
export const rechargesFamily: FamilyModule = {
  family: 'recharges',
  migrate,
  operations,
  timers: { expire: expireRecharge },
  control,
  inspect: {
    list: (deps, filter) => listRecharges(deps.db, filter.mchid).map(inspectView),
  },
};
