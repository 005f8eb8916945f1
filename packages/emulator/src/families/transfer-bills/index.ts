import type { FamilyModule } from '../family.js';
import { control } from './control.js';
import { toEntity } from './entity.js';
import { operations } from './routes.js';
import { listBills, migrate } from './store.js';
import { timers } from './timers.js';

/** 商家转账 partner bills in user-confirm mode (spec P2.2): create, query, cancel, plus the user's side. */
export const transferBillsFamily: FamilyModule = {
  family: 'transferBills',
  migrate,
  operations,
  timers,
  control,
  inspect: {
    list: (deps, filter) => listBills(deps.db, filter.mchid).map((bill) => toEntity(bill, deps.formatTime)),
  },
};
