import type { FamilyDeps } from '../family.js';
import { toNotificationResource } from './entity.js';
import { type TransferBillEvent, type TransferBillTransition, transition } from './machine.js';
import { moveFunds, type TransferBillRecord, updateBill } from './store.js';

/**
 * Starts the timers and the notification a transition row names, for the bill as it now is; an A4 bill whose user
 * also agreed hands the authorization to the authorization family.
 */
export function applyEffects(
  deps: FamilyDeps,
  bill: TransferBillRecord,
  row: TransferBillTransition,
  now: number,
): void {
  deps.recordTransition({
    family: 'transferBills',
    mchid: bill.mchid,
    resourceKey: bill.outBillNo,
    from: row.from,
    to: row.to,
    event: row.event,
    actor: row.actor,
    at: now,
  });
  for (const step of row.schedule ?? []) {
    deps.schedule({
      family: 'transferBills',
      kind: step.kind,
      ref: `${bill.mchid}:${bill.outBillNo}`,
      dueAt: now + (step.after === 'asyncStep' ? deps.settings.asyncStepMs : step.after),
      payload: { id: bill.id },
    });
  }
  const offer = bill.authorizationOffer;
  if (row.grantsAuthorization && offer) {
    // The confirming user's event names the payee (the control action requires one when the bill has none).
    if (bill.openid === undefined)
      throw new Error(`bill ${bill.outBillNo}: no user agreed to the authorization`);
    deps.authorizations.grant(
      {
        face: bill.face,
        mchid: bill.mchid,
        outAuthorizationNo: offer.outAuthorizationNo,
        appid: bill.appid,
        openid: bill.openid,
        transferSceneId: bill.transferSceneId,
        userDisplayName: offer.userDisplayName,
        notifyUrl: offer.notifyUrl,
      },
      now,
    );
  }
  if (row.notify === undefined || bill.notifyUrl === undefined) return;
  deps.notify({
    mchid: bill.mchid,
    url: bill.notifyUrl,
    eventType: row.notify,
    summary: '商家转账单据终态通知',
    originalType: 'mch_payment',
    associatedData: 'mch_payment',
    resource: toNotificationResource(bill, deps.formatTime),
    family: 'transferBills',
    resourceKey: bill.outBillNo,
  });
}

/**
 * Runs one event through the machine and persists the bill, its balance and its effects, in the caller's
 * transaction. `now` is the event's time: the clock for requests and control actions, the due time for timers.
 */
export function advance(
  deps: FamilyDeps,
  bill: TransferBillRecord,
  event: TransferBillEvent,
  now: number,
): TransferBillRecord {
  const step = transition(bill, event, now);
  if (step.row.idempotent) return bill;
  const saved = updateBill(deps.db, bill, step.record);
  if (step.funds !== undefined) moveFunds(deps.db, bill.payerMchid, step.funds, bill.transferAmount);
  applyEffects(deps, saved, step.row, now);
  return saved;
}
