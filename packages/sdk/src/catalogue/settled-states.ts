import type { AUTHORIZATION_STATES } from './authorizations.js';
import type { CANCEL_STATES } from './cancel-withdraws.js';
import type { RECHARGE_STATES } from './recharges.js';
import type { TRANSFER_BILL_STATES } from './transfer-bills.js';
import type { FamilyName } from './types.js';

interface FamilyStates {
  authorizations: (typeof AUTHORIZATION_STATES)[number];
  transferBills: (typeof TRANSFER_BILL_STATES)[number];
  recharges: (typeof RECHARGE_STATES)[number];
  cancelWithdraws: (typeof CANCEL_STATES)[number];
}

/**
 * Per family, the states in which a resource no longer moves on by itself: each lifecycle as its pages describe
 * it ends there, or (a TAKING_EFFECT authorization) waits for the merchant's own next call. A tool that waits
 * for a result, such as the CLI's `--wait`, stops at these; the states in between belong to WeChat Pay or the user.
 */
export const SETTLED_STATES: { readonly [F in FamilyName]: readonly FamilyStates[F][] } = {
  authorizations: ['TAKING_EFFECT', 'CLOSED'],
  transferBills: ['SUCCESS', 'FAIL', 'CANCELLED'],
  recharges: ['SUCCESS', 'CLOSED'],
  cancelWithdraws: ['REJECTED', 'REVOKED', 'FINISH'],
};
