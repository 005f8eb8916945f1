import type { KeyObject } from 'node:crypto';
import { WechatPayConfigError } from '../errors/wechat-pay-config-error.js';
import {
  type CertificateInput,
  type KeyInput,
  type LoadedCertificate,
  loadCertificate,
  loadPublicKey,
} from './keys.js';

export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';

export interface PlatformKeyringOptions {
  /** The WeChat Pay public key (微信支付公钥) and its id `PUB_KEY_ID_…`. */
  publicKey?: { id: string; key: KeyInput } | undefined;
  /** Platform certificates (平台证书), e.g. decrypted from `GET /v3/certificates`. */
  certificates?: readonly CertificateInput[] | undefined;
}

/**
 * The keys that verify WeChat Pay's signatures and encrypt sensitive fields for it. Both models may be held at
 * once, as during a merchant's migration from platform certificates to the public key (spec §2.5).
 */
export class PlatformKeyring {
  readonly publicKeyId: string | undefined;
  readonly #publicKey: KeyObject | undefined;
  readonly #certificates = new Map<string, LoadedCertificate>();

  constructor(options: PlatformKeyringOptions = {}) {
    if (options.publicKey) {
      const { id, key } = options.publicKey;
      if (typeof id !== 'string' || !id.startsWith(PUBLIC_KEY_ID_PREFIX)) {
        throw new WechatPayConfigError(
          'wechatpayPublicKey.id',
          `must be the public key id shown in the merchant platform, starting with ${PUBLIC_KEY_ID_PREFIX}; got "${String(id)}"`,
        );
      }
      this.publicKeyId = id;
      this.#publicKey = loadPublicKey(key, 'wechatpayPublicKey.key');
    }
    (options.certificates ?? []).forEach((certificate, index) => {
      this.addCertificate(certificate, `platformCertificates[${index}]`);
    });
  }

  /** Adds (or replaces) a platform certificate, e.g. after a periodic `/v3/certificates` refresh. */
  addCertificate(input: CertificateInput, label = 'platformCertificate'): LoadedCertificate {
    const certificate = loadCertificate(input, label);
    this.#certificates.set(certificate.serialNo, certificate);
    return certificate;
  }

  /** Stops trusting a certificate, e.g. once its `expire_time` has passed; answers whether it was held. */
  removeCertificate(serial: string): boolean {
    return this.#certificates.delete(serial.toUpperCase());
  }

  get certificates(): readonly LoadedCertificate[] {
    return [...this.#certificates.values()];
  }

  /** The certificate with that serial, whether or not it is valid now (to explain why `find` passed it over). */
  certificate(serial: string): LoadedCertificate | undefined {
    return this.#certificates.get(serial.toUpperCase());
  }

  /**
   * `PUB_KEY_ID_…` → the public key when the id matches; anything else → the certificate with that serial, if it
   * is valid at `nowSeconds` (Unix seconds). The public key has no validity period.
   */
  find(serial: string, nowSeconds: number): KeyObject | undefined {
    if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) {
      return serial === this.publicKeyId ? this.#publicKey : undefined;
    }
    const certificate = this.certificate(serial);
    return certificate && validity(certificate, nowSeconds) === 'valid' ? certificate.publicKey : undefined;
  }

  /**
   * The key id to name in a request's `Wechatpay-Serial`, so that WeChat Pay signs the answer with a key this
   * keyring holds: the public key id if set, else the newest certificate valid at `nowSeconds`, else undefined.
   */
  preferredSerial(nowSeconds: number): string | undefined {
    if (this.publicKeyId) return this.publicKeyId;
    return this.#newestValid(nowSeconds)?.serialNo;
  }

  #newestValid(nowSeconds: number): LoadedCertificate | undefined {
    let newest: LoadedCertificate | undefined;
    for (const certificate of this.#certificates.values()) {
      if (validity(certificate, nowSeconds) !== 'valid') continue;
      if (!newest || certificate.validFrom > newest.validFrom) newest = certificate;
    }
    return newest;
  }

  /**
   * The key to encrypt sensitive request fields with: the public key if set, else the newest certificate valid
   * at `nowSeconds` (Unix seconds).
   */
  encryptionKey(nowSeconds: number): { serial: string; key: KeyObject } {
    if (this.publicKeyId && this.#publicKey) return { serial: this.publicKeyId, key: this.#publicKey };
    const newest = this.#newestValid(nowSeconds);
    if (newest) return { serial: newest.serialNo, key: newest.publicKey };
    if (this.#certificates.size === 0) {
      throw new WechatPayConfigError(
        'wechatpayPublicKey',
        'no WeChat Pay public key or platform certificate is configured, so sensitive fields cannot be encrypted',
      );
    }
    const why = this.certificates.map((c) => describeValidity(c, nowSeconds)).join('; ');
    throw new WechatPayConfigError(
      'platformCertificates',
      `no platform certificate is valid now (${new Date(nowSeconds * 1000).toISOString()}): ${why}; ` +
        'add a current one with addPlatformCertificate, so sensitive fields can be encrypted',
    );
  }
}

/** X.509 validity includes both ends: notBefore ≤ now ≤ notAfter. */
export function validity(
  certificate: LoadedCertificate,
  nowSeconds: number,
): 'valid' | 'expired' | 'notYetValid' {
  const nowMs = nowSeconds * 1000;
  if (nowMs < certificate.validFrom.getTime()) return 'notYetValid';
  if (nowMs > certificate.validTo.getTime()) return 'expired';
  return 'valid';
}

/** `<serial> expired at …` / `<serial> is not valid until …` / `<serial> is valid`. */
export function describeValidity(certificate: LoadedCertificate, nowSeconds: number): string {
  switch (validity(certificate, nowSeconds)) {
    case 'expired':
      return `${certificate.serialNo} expired at ${certificate.validTo.toISOString()}`;
    case 'notYetValid':
      return `${certificate.serialNo} is not valid until ${certificate.validFrom.toISOString()}`;
    case 'valid':
      return `${certificate.serialNo} is valid`;
  }
}
