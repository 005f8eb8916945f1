import { WechatPay } from '../../src/client/wechat-pay.js';
import type { WechatPayOptions } from '../../src/client/wechat-pay-options.js';
import { FakeClock } from './fake-clock.js';
import { type Handler, SignedTestServer, type SignedTestServerOptions } from './signed-test-server.js';
import { testKeys } from './test-keys.js';

/** A signed test server with the generated merchant and platform keys. */
export function startTestServer(
  handler?: Handler,
  now?: () => number,
  tls?: SignedTestServerOptions['tls'],
): Promise<SignedTestServer> {
  const keys = testKeys();
  return SignedTestServer.start({
    merchant: {
      mchid: keys.merchant.mchid,
      serialNo: keys.merchant.serialNo,
      publicKey: keys.merchant.publicKey,
    },
    platform: { id: keys.platform.id, privateKey: keys.platform.privateKey },
    handler,
    now,
    tls,
  });
}

/** Client options pointing at `baseUrl`, trusting the test platform key; waits go to `clock` (no real sleeping). */
export function testClientOptions(
  baseUrl: string,
  clock = new FakeClock(),
  overrides: Partial<WechatPayOptions> = {},
) {
  const keys = testKeys();
  return {
    mchid: keys.merchant.mchid,
    serialNo: keys.merchant.serialNo,
    privateKey: keys.merchant.privateKeyPem,
    wechatpayPublicKey: { id: keys.platform.id, key: keys.platform.publicKeyPem },
    apiV3Key: '0123456789abcdef0123456789ABCDEF',
    baseUrl,
    now: clock.now,
    sleep: clock.sleep,
    ...overrides,
  } satisfies WechatPayOptions;
}

export function testClient(
  baseUrl: string,
  clock = new FakeClock(),
  overrides: Partial<WechatPayOptions> = {},
) {
  return new WechatPay(testClientOptions(baseUrl, clock, overrides));
}

type LooseMethod = (
  input: unknown,
  options?: { signal?: AbortSignal; timeoutMs?: number },
) => Promise<unknown>;

/** Calls `wxpay.<family>.<verb>` by operation name, for tests that loop over operations. */
export function callOperation(
  wxpay: WechatPay,
  name: string,
  input: unknown,
  options?: { signal?: AbortSignal; timeoutMs?: number },
): Promise<unknown> {
  const [family = '', verb = ''] = name.split('.');
  const families = wxpay as unknown as Record<string, Record<string, LooseMethod>>;
  const method = families[family]?.[verb];
  if (!method) throw new Error(`no method for ${name}`);
  return method(input, options);
}
