import { type OperationName, operations } from '../catalogue/operations.js';
import { WechatPayConfigError } from '../errors/index.js';
import type { CertificateInput, LoadedCertificate } from '../protocol/index.js';
import { buildFamilies, type FamilyNamespaces } from './build-families.js';
import { executeRequest } from './execute-request.js';
import { createCertificateManager, downloadCertificates } from './managed-certificates.js';
import { createNotificationsApi, type WechatPayNotifications } from './notifications-api.js';
import { type GenericRequest, prepareGeneric } from './prepare-generic.js';
import { prepareOperation } from './prepare-operation.js';
import type { PreparedRequest } from './prepared-request.js';
import { type ClientContext, resolveOptions } from './resolve-options.js';
import { WechatPayPromise, type WithResponse } from './response-promise.js';
import { callHook } from './safe-hooks.js';
import type { CallOptions, WechatPayOptions } from './wechat-pay-options.js';

function checkCallOptions(options: CallOptions | undefined): CallOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new WechatPayConfigError(
      'options',
      'the second argument must be { signal?, timeoutMs?, deadlineMs? }',
    );
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new WechatPayConfigError('options.signal', 'must be an AbortSignal');
  }
  return options;
}

/** A platform certificate as `downloadPlatformCertificates()` answers it. */
export interface DownloadedPlatformCertificate {
  /** Upper-case hex, as `Wechatpay-Serial` names it. */
  serialNo: string;
  /** `effective_time` / `expire_time` of the download (RFC 3339): WeChat Pay shortens the latter before a rotation. */
  effectiveTime: string;
  expireTime: string;
  /** The certificate's own validity. */
  validFrom: Date;
  validTo: Date;
  pem: string;
}

// The family namespaces are added in the constructor from the catalogue; this declaration gives them their types.
export interface WechatPay extends FamilyNamespaces {}

/**
 * WeChat Pay APIv3 client. One method per catalogue row (`wxpay.transferBills.partnerCancel({ out_bill_no, sub_mchid })`),
 * plus `request()` for any other endpoint. Every call is validated before sending, signed, rate limited,
 * retried with backoff (and failover to the backup domain), and its 2xx response verified before it is returned.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: every family member of the interface above is assigned in the constructor
export class WechatPay {
  /** Verify and decrypt notifications with this client's keys; build the replies WeChat Pay expects. */
  readonly notifications: WechatPayNotifications;
  readonly #context: ClientContext;

  constructor(options: WechatPayOptions) {
    this.#context = resolveOptions(options);
    const managed = this.#context.managedCertificates;
    if (managed) this.#context.certificates = createCertificateManager(this.#context, managed);
    this.notifications = createNotificationsApi(this.#context);
    Object.assign(
      this,
      buildFamilies((name, input, callOptions) => this.#invoke(name, input, callOptions)),
    );
  }

  /** The merchant number the client signs as. */
  get mchid(): string {
    return this.#context.mchid;
  }

  /**
   * Trusts another platform certificate (平台证书), e.g. after downloading `GET /v3/certificates` when WeChat Pay
   * rotates its certificate: responses and notifications signed under its serial verify from now on, and it is
   * used to encrypt sensitive fields once it is the newest valid one. A certificate with the same serial is replaced.
   */
  addPlatformCertificate(certificate: CertificateInput): LoadedCertificate {
    return this.#context.keyring.addCertificate(certificate, 'platformCertificate');
  }

  /**
   * Downloads `GET /v3/certificates` now, through the client's signing, retries and failover, and answers every
   * platform certificate it lists: each decrypted with the APIv3 key, checked as X.509 with a matching serial,
   * and the download's own signature verified (fail closed: `WechatPayCertificateError`). What the client
   * trusts does not change; managed mode (`platformCertificates: 'auto'`) keeps its own set up to date.
   */
  async downloadPlatformCertificates(): Promise<DownloadedPlatformCertificate[]> {
    const { apiV3Key } = this.#context;
    if (apiV3Key === undefined) {
      throw new WechatPayConfigError(
        'apiV3Key',
        'is needed to decrypt platform certificates: pass the 32-character APIv3 key to new WechatPay({ apiV3Key })',
      );
    }
    const opened = await downloadCertificates(this.#context, apiV3Key);
    return opened.map(({ certificate, entry }) => ({
      serialNo: certificate.serialNo,
      effectiveTime: entry.effective_time,
      expireTime: entry.expire_time,
      validFrom: certificate.validFrom,
      validTo: certificate.validTo,
      pem: certificate.pem,
    }));
  }

  /**
   * Calls any APIv3 endpoint with the client's signing, verification, retries and failover. Resolves with the
   * parsed JSON body (`undefined` for 204); the type parameter is an unchecked assertion about its shape.
   * `.withResponse()` on the result adds the status, headers and `Request-ID`.
   */
  request<T = unknown>(request: GenericRequest): WechatPayPromise<T> {
    const call = this.#call<T>(
      () =>
        checkCallOptions({
          signal: request?.signal,
          timeoutMs: request?.timeoutMs,
          deadlineMs: request?.deadlineMs,
        }),
      () => prepareGeneric(this.#context, request),
    );
    return new WechatPayPromise(call);
  }

  #invoke(
    name: OperationName,
    input: unknown,
    callOptions: CallOptions | undefined,
  ): WechatPayPromise<unknown> {
    const call = this.#call(
      () => checkCallOptions(callOptions),
      () => prepareOperation(this.#context, operations[name], input),
    );
    return new WechatPayPromise(call);
  }

  /**
   * Managed certificates with no public key: sensitive fields are encrypted with the newest certificate, so
   * the first call downloads them (and a due refresh starts in the background). Otherwise nothing to do.
   */
  #certificatesForEncryption(): Promise<void> | undefined {
    const { certificates, keyring } = this.#context;
    return certificates?.prepare(undefined, { needCertificates: keyring.publicKeyId === undefined });
  }

  /** Checks the options, prepares (validates, encrypts), then runs the call; every failure reaches `onError`. */
  async #call<T>(readOptions: () => CallOptions, prepare: () => PreparedRequest): Promise<WithResponse<T>> {
    try {
      const options = readOptions();
      // Awaited only when there is something to wait for: most clients have fixed keys.
      const certificatesReady = this.#certificatesForEncryption();
      if (certificatesReady) await certificatesReady;
      return (await executeRequest(this.#context, prepare(), options)) as WithResponse<T>;
    } catch (error) {
      callHook(this.#context.hooks, 'onError', error);
      throw error;
    }
  }
}
