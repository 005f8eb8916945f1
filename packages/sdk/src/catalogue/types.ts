import type { Static, TObject, TSchema } from 'typebox';

/** Who may call an operation: 普通商户, 普通服务商, 平台商户 (收付通 / 平台收付通). */
export type MerchantRole = 'merchant' | 'serviceProvider' | 'platform';

export type FamilyName = 'authorizations' | 'transferBills' | 'recharges' | 'cancelWithdraws';

/** One row of an operation's documented error table. */
export interface DocumentedError {
  readonly status: number;
  readonly code: string;
  /** The description as the official page gives it (Chinese), or a short English one for assumed rows. */
  readonly description: string;
  /** `documented`: on the operation's official page; `assumed`: a reasoned choice recorded in docs/fidelity.md. */
  readonly source: 'documented' | 'assumed';
  /**
   * Whether the same request may be sent again and succeed, when the page says so for this code (`BIZ_ERR_NEED_RETRY`).
   * Absent: the status decides (429 and 5xx are retryable).
   */
  readonly retryable?: boolean;
}

export interface RateLimit {
  /** Requests per second per calling merchant. */
  readonly perSecond: number;
  /** The code a 429 carries for this operation (`RATELIMIT_EXCEEDED`, `FREQUENCY_LIMITED`, …). */
  readonly code: string;
  readonly source: 'documented' | 'assumed';
}

/**
 * Sensitive fields, as JSON pointers into the body. Request fields are RSA-OAEP encrypted with the WeChat Pay
 * public key / platform certificate (and need `Wechatpay-Serial`); response fields are encrypted with the
 * merchant's API certificate key.
 */
export interface SensitiveFields {
  readonly request?: readonly string[];
  readonly response?: readonly string[];
}

/** One endpoint, declared once. Every consumer (SDK, emulator, CLI, docs, OpenAPI) reads these rows. */
export interface OperationSpec<
  P extends TObject | undefined = TObject | undefined,
  Q extends TObject | undefined = TObject | undefined,
  B extends TObject | undefined = TObject | undefined,
  R extends TSchema | undefined = TSchema | undefined,
> {
  /** `<family>.<verb>`, e.g. `transferBills.partnerCancel`. The same name in catalogue, SDK, emulator and tests. */
  readonly name: string;
  readonly family: FamilyName;
  readonly verb: string;
  /** The official page title (Chinese) and an English gloss. */
  readonly summary: string;
  readonly description: string;
  /** Official documentation page, when known. */
  readonly docs?: string;
  readonly method: 'GET' | 'POST';
  /** Path template with `{name}` placeholders, e.g. `/v3/.../out-bill-no/{out_bill_no}/cancel`. */
  readonly path: string;
  readonly role: MerchantRole;
  /** Path parameters; every placeholder in `path` has a property here. */
  readonly params: P;
  readonly query: Q;
  /** Request body; `undefined` means the operation takes no body (an empty body or `{}` is accepted). */
  readonly body: B;
  /** Success body (200); `undefined` means 204 No Content. */
  readonly response: R;
  readonly errors: readonly DocumentedError[];
  readonly rateLimit: RateLimit;
  readonly sensitive?: SensitiveFields;
  /** Whether the request must carry `Wechatpay-Serial` (because it carries encrypted fields). */
  readonly wechatpaySerial?: 'required' | 'optional';
}

type StaticOr<T, Fallback> = T extends TSchema ? Static<T> : Fallback;
// biome-ignore lint/complexity/noBannedTypes: an absent part contributes no members to the flat input
type Empty = {};

/** The flat input of an SDK method: path parameters, query parameters and body fields side by side. */
export type OperationInput<S> =
  S extends OperationSpec<infer P, infer Q, infer B, infer _R>
    ? StaticOr<P, Empty> & StaticOr<Q, Empty> & StaticOr<B, Empty>
    : never;

export type OperationOutput<S> =
  S extends OperationSpec<infer _P, infer _Q, infer _B, infer R> ? StaticOr<R, undefined> : never;

/** Keeps the literal types of a row while checking it against OperationSpec. */
export function defineOperation<
  P extends TObject | undefined,
  Q extends TObject | undefined,
  B extends TObject | undefined,
  R extends TSchema | undefined,
>(spec: OperationSpec<P, Q, B, R>): OperationSpec<P, Q, B, R> {
  return spec;
}

/** A notification that a family sends to the merchant's notify URL. */
export interface NotificationSpec<S extends TSchema = TSchema> {
  readonly family: FamilyName;
  readonly eventTypes: readonly string[];
  /** `resource.original_type` and `resource.associated_data` of the envelope. */
  readonly originalType: string;
  readonly associatedData: string;
  /** Schema of the decrypted `resource` plaintext. */
  readonly resource: S;
  /**
   * Delivery schedule: element i is the delay in seconds before attempt i, counted from attempt i-1
   * (element 0, normally 0, from the state change). Its length is the maximum number of attempts.
   */
  readonly retrySchedule: readonly number[];
  readonly retryScheduleSource: 'documented' | 'assumed';
}
