import type { FamilyModule } from '../family.js';
import { control } from './control.js';
import { toEntity } from './entity.js';
import { operations } from './routes.js';
import { listAuthorizations, migrate } from './store.js';
import { timers } from './timers.js';

/** 免确认收款授权 (spec P2.1): apply, query and close for ordinary merchants, plus the user's side. */
export const authorizationsFamily: FamilyModule = {
  family: 'authorizations',
  migrate,
  operations,
  timers,
  control,
  inspect: {
    list: (deps, filter) =>
      listAuthorizations(deps.db, filter.mchid).map((record) => ({
        mchid: record.mchid,
        ...toEntity(record, deps.formatTime),
      })),
  },
};
