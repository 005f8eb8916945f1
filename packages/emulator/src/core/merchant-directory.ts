import type { KeyObject } from 'node:crypto';
import { loadCertificate, loadPrivateKey } from '@wxpay-kit/sdk/protocol';
import type { MerchantInfo } from '../families/family.js';
import {
  type Credentials,
  MERCHANT_KEYS,
  type MerchantCredentials,
  type MerchantKey,
} from './credentials.js';

/** A caller with API credentials, as the wire layer needs it. */
export interface CallingMerchant {
  info: MerchantInfo;
  credentials: MerchantCredentials;
  /** Public key of the merchant API certificate: verifies request signatures, encrypts response fields. */
  publicKey: KeyObject;
}

/** Every merchant the emulator knows, by mchid; parsed keys are cached once here. */
export class MerchantDirectory {
  readonly #infos = new Map<string, MerchantInfo>();
  readonly #callers = new Map<string, CallingMerchant>();
  readonly #byKey = new Map<MerchantKey, CallingMerchant>();
  readonly platformPrivateKey: KeyObject;

  constructor(readonly credentials: Credentials) {
    this.platformPrivateKey = loadPrivateKey(credentials.platform.privateKeyPem, 'platform private key');
    for (const key of MERCHANT_KEYS) {
      const merchant = credentials.merchants[key];
      const info: MerchantInfo = {
        mchid: merchant.mchid,
        kind: merchant.kind,
        name: merchant.name,
        appid: merchant.appid,
        subMchids: merchant.subMerchants.map((sub) => sub.mchid),
      };
      const caller: CallingMerchant = {
        info,
        credentials: merchant,
        publicKey: loadCertificate(merchant.certificatePem, `${key} API certificate`).publicKey,
      };
      this.#infos.set(merchant.mchid, info);
      this.#callers.set(merchant.mchid, caller);
      this.#byKey.set(key, caller);
      for (const sub of merchant.subMerchants) {
        this.#infos.set(sub.mchid, {
          mchid: sub.mchid,
          kind: 'subMerchant',
          name: sub.name,
          appid: sub.appid,
          parentMchid: merchant.mchid,
          subMchids: [],
        });
      }
    }
  }

  get(mchid: string): MerchantInfo | undefined {
    return this.#infos.get(mchid);
  }

  /** Only merchants holding an API certificate can call; sub-merchants cannot. */
  caller(mchid: string): CallingMerchant | undefined {
    return this.#callers.get(mchid);
  }

  /** A merchant key (`ordinary`, …) or a caller's mchid. */
  resolve(keyOrMchid: string): CallingMerchant | undefined {
    return this.#byKey.get(keyOrMchid as MerchantKey) ?? this.#callers.get(keyOrMchid);
  }

  isSubMerchantOf(parentMchid: string, subMchid: string): boolean {
    return this.#infos.get(subMchid)?.parentMchid === parentMchid;
  }

  apiV3KeyOf(mchid: string): string {
    const caller = this.#callers.get(mchid);
    if (!caller) throw new Error(`no APIv3 key: ${mchid} is not a merchant with API credentials`);
    return caller.credentials.apiV3Key;
  }
}
