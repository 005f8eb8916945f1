import { authorizationsApply, authorizationsClose, authorizationsGet } from './authorizations.js';
import {
  authorizationsPartnerApply,
  authorizationsPartnerClose,
  authorizationsPartnerGet,
} from './authorizations-partner.js';
import {
  cancelWithdrawsApply,
  cancelWithdrawsConfirm,
  cancelWithdrawsGet,
  cancelWithdrawsGetByApplymentId,
  cancelWithdrawsValidate,
} from './cancel-withdraws.js';
import { rechargesApply, rechargesClose, rechargesGet } from './recharges.js';
import {
  transferBillsPartnerCancel,
  transferBillsPartnerCreate,
  transferBillsPartnerGet,
} from './transfer-bills.js';
import {
  transferBillsPartnerPreTransferWithAuthorization,
  transferBillsPartnerTransfer,
  transferBillsPreTransferWithAuthorization,
  transferBillsTransfer,
} from './transfer-bills-authorized.js';
import {
  transferBillsCancel,
  transferBillsCreate,
  transferBillsGet,
  transferBillsGetByTransferBillNo,
} from './transfer-bills-merchant.js';
import type { OperationSpec, OperationInput as SpecInput, OperationOutput as SpecOutput } from './types.js';

/** Every operation, keyed by its name. Each value keeps the literal types of its row. */
export const operations = {
  'authorizations.apply': authorizationsApply,
  'authorizations.get': authorizationsGet,
  'authorizations.close': authorizationsClose,
  'authorizations.partnerApply': authorizationsPartnerApply,
  'authorizations.partnerGet': authorizationsPartnerGet,
  'authorizations.partnerClose': authorizationsPartnerClose,
  'transferBills.create': transferBillsCreate,
  'transferBills.get': transferBillsGet,
  'transferBills.cancel': transferBillsCancel,
  'transferBills.partnerCreate': transferBillsPartnerCreate,
  'transferBills.partnerGet': transferBillsPartnerGet,
  'transferBills.partnerCancel': transferBillsPartnerCancel,
  'transferBills.getByTransferBillNo': transferBillsGetByTransferBillNo,
  'transferBills.transfer': transferBillsTransfer,
  'transferBills.preTransferWithAuthorization': transferBillsPreTransferWithAuthorization,
  'transferBills.partnerTransfer': transferBillsPartnerTransfer,
  'transferBills.partnerPreTransferWithAuthorization': transferBillsPartnerPreTransferWithAuthorization,
  'recharges.apply': rechargesApply,
  'recharges.get': rechargesGet,
  'recharges.close': rechargesClose,
  'cancelWithdraws.validate': cancelWithdrawsValidate,
  'cancelWithdraws.apply': cancelWithdrawsApply,
  'cancelWithdraws.get': cancelWithdrawsGet,
  'cancelWithdraws.getByApplymentId': cancelWithdrawsGetByApplymentId,
  'cancelWithdraws.confirm': cancelWithdrawsConfirm,
} as const;

export type OperationName = keyof typeof operations;
export type OperationSpecOf<N extends OperationName> = (typeof operations)[N];
/** The flat SDK input of an operation: path, query and body fields side by side. */
export type OperationInput<N extends OperationName> = SpecInput<OperationSpecOf<N>>;
/** The success body of an operation (`undefined` for 204). */
export type OperationOutput<N extends OperationName> = SpecOutput<OperationSpecOf<N>>;

export const operationNames = Object.keys(operations) as OperationName[];

/** The rows as a list, widened to OperationSpec for generic consumers (router, docs, OpenAPI). */
export const operationList: readonly OperationSpec[] = Object.values(operations);

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
