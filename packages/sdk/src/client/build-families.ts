import {
  type OperationInput,
  type OperationName,
  type OperationOutput,
  operations,
} from '../catalogue/operations.js';
import type { WechatPayPromise } from './response-promise.js';
import type { CallOptions } from './wechat-pay-options.js';

/**
 * `wxpay.transferBills.cancel`'s type: the row's flat input in, its success body out (and, through
 * `.withResponse()`, the answer's status, headers and `Request-ID`).
 */
export type OperationMethod<N extends OperationName> = (
  input: OperationInput<N>,
  options?: CallOptions,
) => WechatPayPromise<OperationOutput<N>>;

type FamilyOf<N extends string> = N extends `${infer F}.${string}` ? F : never;
export type FamilyName = FamilyOf<OperationName>;

/** The methods of one family, keyed by verb; a new catalogue row adds its method here without code. */
export type FamilyMethods<F extends FamilyName> = {
  readonly [N in OperationName as N extends `${F}.${infer V}` ? V : never]: OperationMethod<N>;
};

export type FamilyNamespaces = { readonly [F in FamilyName]: FamilyMethods<F> };

export type InvokeOperation = (
  name: OperationName,
  input: unknown,
  options?: CallOptions,
) => WechatPayPromise<unknown>;

/** Builds `{ authorizations: { apply, get, close }, transferBills: { … }, … }` from the catalogue rows. */
export function buildFamilies(invoke: InvokeOperation): FamilyNamespaces {
  const families: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(operations) as OperationName[]) {
    const dot = name.indexOf('.');
    const family = name.slice(0, dot);
    const verb = name.slice(dot + 1);
    families[family] ??= {};
    families[family][verb] = (input: unknown, options?: CallOptions) => invoke(name, input, options);
  }
  for (const methods of Object.values(families)) Object.freeze(methods);
  return families as unknown as FamilyNamespaces;
}
