import { randomBytes, randomInt } from 'node:crypto';
import type { RateLimit } from '@wxpay-kit/sdk/catalogue';
import { AEAD_AES_256_GCM, encryptAeadAes256Gcm, generateNonce } from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import type { PlatformCredentials } from '../core/credentials.js';
import { formatTime } from '../core/format-time.js';
import { ApiError } from './api-error.js';

export const CERTIFICATES_PATH = '/v3/certificates';
/** The name rate limits and injected faults use for `GET /v3/certificates`. */
export const CERTIFICATES_OPERATION = 'certificates.download';
export const CERTIFICATES_RATE_LIMIT: RateLimit = {
  perSecond: 1000,
  code: 'RATELIMIT_EXCEEDED',
  source: 'documented',
};

const ALGORITHM_TYPES = ['RSA', 'SM2', 'ALL'];

/** A platform certificate the emulator has issued; times in epoch ms. */
export interface IssuedCertificate {
  serial: string;
  pem: string;
  effectiveMs: number;
  /** `expire_time`: the PEM's notAfter, or earlier once a rotation announced its successor. */
  expireMs: number;
}

/** WeChat Pay lists the new certificate 24 h before the switch and shortens the old one's `expire_time` to it. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
const NEW_CERTIFICATE_VALIDITY_MS = 5 * 365 * 24 * 3600 * 1000;

/**
 * The platform certificates the emulator lists, newest last. A rotation issues a new certificate (new serial)
 * over the same platform key pair, and shortens the previous one's `expire_time` to the overlap; answers to
 * clients in certificate mode are signed under the newest from then on. Kept in memory: a restart lists the
 * generated certificate again (docs/fidelity.md).
 */
export class PlatformCertificates {
  readonly #issued: IssuedCertificate[];
  readonly #privateKeyPem: string;

  constructor(platform: PlatformCredentials) {
    this.#privateKeyPem = platform.privateKeyPem;
    this.#issued = [
      {
        serial: platform.certificateSerial,
        pem: platform.certificatePem,
        effectiveMs: platform.notBefore,
        expireMs: platform.notAfter,
      },
    ];
  }

  /** The certificate that signs answers to clients in certificate mode. */
  get current(): IssuedCertificate {
    return this.#issued.at(-1)!;
  }

  /** Those not past `expire_time` at `nowMs`, oldest first: what `GET /v3/certificates` lists. */
  listed(nowMs: number): IssuedCertificate[] {
    return this.#issued.filter((c) => c.expireMs >= nowMs || c === this.current);
  }

  /** Whether `serial` names a certificate listed at `nowMs` (upper or lower case). */
  lists(serial: string | undefined, nowMs: number): boolean {
    const wanted = serial?.toUpperCase();
    return this.listed(nowMs).some((c) => c.serial === wanted);
  }

  /** Issues the next certificate; the previous one stays listed (and valid) for `overlapMs`. */
  rotate(
    nowMs: number,
    overlapMs = ROTATION_OVERLAP_MS,
  ): { previous: IssuedCertificate; current: IssuedCertificate } {
    const previous = this.current;
    previous.expireMs = Math.min(previous.expireMs, nowMs + overlapMs);
    // 40 upper-case hex, first digit 1–7: positive and without a leading zero byte in DER.
    const serial = (randomInt(1, 8).toString(16) + randomBytes(20).toString('hex').slice(1)).toUpperCase();
    const notBefore = new Date(nowMs - 60_000);
    const notAfter = new Date(nowMs + NEW_CERTIFICATE_VALIDITY_MS);
    const pem = createSelfSignedCertificate({
      privateKey: this.#privateKeyPem,
      serialNo: serial,
      commonName: 'Tenpay.com Root CA (wxpay-kit emulator)',
      organizationName: 'Tenpay.com',
      notBefore,
      notAfter,
    });
    const current = { serial, pem, effectiveMs: notBefore.getTime(), expireMs: notAfter.getTime() };
    this.#issued.push(current);
    return { previous, current };
  }
}

/**
 * `GET /v3/certificates` (spec §2.6): every listed platform certificate, encrypted under the caller's APIv3 key
 * with associated data `certificate`. The emulator holds no ShangMi certificate, so `algorithm_type=SM2` lists none.
 */
export function certificatesBody(
  rawUrl: string,
  certificates: readonly IssuedCertificate[],
  apiV3Key: string,
): unknown {
  const query = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '');
  const algorithm = query.get('algorithm_type') ?? 'RSA';
  if (!ALGORITHM_TYPES.includes(algorithm)) {
    throw new ApiError(
      400,
      'PARAM_ERROR',
      `输入源“/query/algorithm_type”校验失败：algorithm_type must be one of ${ALGORITHM_TYPES.join(', ')}`,
      {
        field: 'algorithm_type',
        value: algorithm,
        issue: `must be one of ${ALGORITHM_TYPES.join(', ')}`,
        location: 'query',
      },
    );
  }
  if (algorithm === 'SM2') return { data: [] };
  return {
    data: certificates.map((certificate) => {
      const nonce = generateNonce(12);
      return {
        serial_no: certificate.serial,
        effective_time: formatTime(certificate.effectiveMs),
        expire_time: formatTime(certificate.expireMs),
        encrypt_certificate: {
          algorithm: AEAD_AES_256_GCM,
          nonce,
          associated_data: 'certificate',
          ciphertext: encryptAeadAes256Gcm({
            apiV3Key,
            nonce,
            associatedData: 'certificate',
            plaintext: certificate.pem,
          }),
        },
      };
    }),
  };
}

/**
 * Which key signs an answer (spec §2.5): the request's `Wechatpay-Serial` picks the mode. The public key id →
 * the public key; a certificate serial → the newest certificate (after a rotation, a client naming the old one
 * learns of the new one from the answer). Without the header, `GET /v3/certificates` is signed with the newest
 * certificate (WeChat Pay's default for merchants that hold certificates, and what bootstraps a client with
 * none), other answers with the public key (docs/fidelity.md).
 */
export function answerSerial(
  requested: string | undefined,
  options: { publicKeyId: string; certificates: PlatformCertificates; download: boolean },
): string | undefined {
  if (requested === options.publicKeyId) return options.publicKeyId;
  if (requested !== undefined && /^[0-9A-Fa-f]{2,40}$/.test(requested))
    return options.certificates.current.serial;
  return options.download ? options.certificates.current.serial : undefined;
}

const runtimeCertificates = new WeakMap<object, PlatformCertificates>();

/** The certificate list of one emulator runtime, created on first use from its generated credentials. */
export function platformCertificatesOf(runtime: {
  credentials: { platform: PlatformCredentials };
}): PlatformCertificates {
  let list = runtimeCertificates.get(runtime);
  if (!list) {
    list = new PlatformCertificates(runtime.credentials.platform);
    runtimeCertificates.set(runtime, list);
  }
  return list;
}
