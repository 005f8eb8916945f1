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

  get certificates(): readonly LoadedCertificate[] {
    return [...this.#certificates.values()];
  }

  /** `PUB_KEY_ID_…` → the public key when the id matches; anything else → the certificate with that serial. */
  find(serial: string): KeyObject | undefined {
    if (serial.startsWith(PUBLIC_KEY_ID_PREFIX)) {
      return serial === this.publicKeyId ? this.#publicKey : undefined;
    }
    return this.#certificates.get(serial.toUpperCase())?.publicKey;
  }

  /** The key to encrypt sensitive request fields with: the public key if set, else the newest certificate. */
  encryptionKey(): { serial: string; key: KeyObject } {
    if (this.publicKeyId && this.#publicKey) return { serial: this.publicKeyId, key: this.#publicKey };
    let newest: LoadedCertificate | undefined;
    for (const certificate of this.#certificates.values()) {
      if (!newest || certificate.validFrom > newest.validFrom) newest = certificate;
    }
    if (!newest) {
      throw new WechatPayConfigError(
        'wechatpayPublicKey',
        'no WeChat Pay public key or platform certificate is configured, so sensitive fields cannot be encrypted',
      );
    }
    return { serial: newest.serialNo, key: newest.publicKey };
  }
}
