import { authorizationsFamily } from './authorizations/index.js';
import { cancelWithdrawsFamily } from './cancel-withdraws/index.js';
import type { FamilyModule } from './family.js';
import { rechargesFamily } from './recharges/index.js';
import { transferBillsFamily } from './transfer-bills/index.js';

/** The four resource families the emulator serves. */
export const families: FamilyModule[] = [
  authorizationsFamily,
  transferBillsFamily,
  rechargesFamily,
  cancelWithdrawsFamily,
];
