import type { KeyObject } from 'node:crypto';
import { randomUpperHex } from '@wxpay-kit/sdk/protocol';
import { signResponse } from '@wxpay-kit/sdk/testing';

export interface ResponseSigner {
  /** The five Wechatpay-* headers for this exact body (string, UTF-8). Uses the async (thread-pool) signer. */
  sign(body: string, options?: { probe?: boolean; serial?: string }): Promise<Record<string, string>>;
  /** PUB_KEY_ID_… of the emulator's platform key. */
  serial: string;
}

export interface ResponseSignerOptions {
  privateKey: KeyObject;
  /** The default `Wechatpay-Serial`: the WeChat Pay public key id. */
  serial: string;
  /**
   * Unix-seconds source for `Wechatpay-Timestamp`. Wall time by default, not virtual time: clients check the
   * timestamp against their own clocks, and must keep accepting responses after the virtual clock is advanced.
   */
  nowSeconds?: () => number;
}

/**
 * Signs responses and notifications with the platform key. `serial` may name the platform certificate instead
 * of the public key id (same key pair): a client in certificate mode gets responses it can match (spec §2.5).
 */
export function createResponseSigner(options: ResponseSignerOptions): ResponseSigner {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return {
    serial: options.serial,
    sign(body, signOptions = {}) {
      return signResponse({
        body,
        privateKey: options.privateKey,
        serial: signOptions.serial ?? options.serial,
        timestamp: nowSeconds(),
        // Observed WeChat nonces are 32 upper-case hex characters.
        nonce: randomUpperHex(16),
        signatureProbe: signOptions.probe === true,
      });
    },
  };
}
