import { AUTHORIZATION_SCHEME } from '../protocol/authorization-header.js';
import { type KeyInput, loadPrivateKey } from '../protocol/keys.js';
import { generateNonce } from '../protocol/nonce.js';
import { signSha256WithRsa } from '../protocol/rsa-sha256.js';
import { buildResponseSignMessage, type MessageBody } from '../protocol/sign-message.js';
import { unixSeconds } from '../protocol/unix-seconds.js';

export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface SignResponseInput {
  /** The exact bytes that will be sent; sign them once and send them unchanged. */
  body: MessageBody;
  /** The platform private key (or the key behind the WeChat Pay public key). */
  privateKey: KeyInput;
  /** `Wechatpay-Serial`: a platform certificate serial or `PUB_KEY_ID_…`. */
  serial: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number | undefined;
  nonce?: string | undefined;
  /**
   * Replace the signature with a WeChat-style probe (`WECHATPAY/SIGNTEST/…`, spec §2.4) that a correct client
   * must reject.
   */
  signatureProbe?: boolean | undefined;
}

/** The five `Wechatpay-*` headers WeChat Pay puts on a signed response or notification. */
export async function signResponse(input: SignResponseInput): Promise<Record<string, string>> {
  const timestamp = input.timestamp ?? unixSeconds();
  const nonce = input.nonce ?? generateNonce();
  const message = buildResponseSignMessage({ timestamp, nonce, body: input.body });
  const signature = await signSha256WithRsa(message, loadPrivateKey(input.privateKey, 'privateKey'));
  return {
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Serial': input.serial,
    'Wechatpay-Signature': input.signatureProbe ? SIGNATURE_PROBE_PREFIX + signature.slice(19) : signature,
    'Wechatpay-Signature-Type': AUTHORIZATION_SCHEME,
    'Wechatpay-Timestamp': String(timestamp),
  };
}
