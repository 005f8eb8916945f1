import type { FamilyModule } from '../family.js';
import { control } from './control.js';
import { toFaceEntity } from './entity.js';
import { operations } from './routes.js';
import { listBills, migrate } from './store.js';
import { timers } from './timers.js';

/**
 * 商家转账 (spec P2.2): one family, one machine, two wire faces (普通商户, 服务商); user-confirm bills, bills that
 * offer an authorization (A4), transfers under one (A5); queries, cancels, the user's side and the payer's rules.
 */
export const transferBillsFamily: FamilyModule = {
  family: 'transferBills',
  migrate,
  operations,
  timers,
  control,
  inspect: {
    list: (deps, filter) =>
      listBills(deps.db, filter.mchid).map((bill) => toFaceEntity(bill, deps.formatTime)),
  },
};
