import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MerchantKey, RunningEmulator } from '@wxpay-kit/emulator';
import { type AxiosError, type AxiosResponse, isAxiosError } from 'axios';
import { Wechatpay } from 'wechatpay-axios-plugin';

/**
 * Support for driving the emulator through wechatpay-axios-plugin, an APIv3 client written independently of
 * wxpay-kit: it signs requests with its own code and checks response signatures in its own axios transformer.
 */

export type Plugin = InstanceType<typeof Wechatpay>;

export interface PluginOverrides {
  /** Signs with this PEM instead of the merchant's API key. */
  privateKey?: string;
  /** The `{serial: public key}` map the plugin verifies responses with. */
  certs?: Record<string, string>;
}

/** A plugin client for one of the emulator's merchants, configured as the plugin's README shows. */
export function pluginFor(
  emulator: RunningEmulator,
  key: MerchantKey,
  overrides: PluginOverrides = {},
): Plugin {
  const merchant = emulator.merchants[key];
  return new Wechatpay({
    mchid: merchant.mchid,
    serial: merchant.serialNo,
    privateKey: overrides.privateKey ?? merchant.privateKeyPem,
    certs: overrides.certs ?? { [emulator.wechatpayPublicKey.id]: emulator.wechatpayPublicKey.pem },
    baseURL: emulator.url,
  });
}

/**
 * Walks the plugin's chained segments, as `plugin.v3.fundApp.mchTransfer…` does: each property read goes through
 * the plugin's own proxy, which turns `fundApp` into `fund-app` and `_out_bill_no_` into `{out_bill_no}`.
 * (Plain property access types every step as possibly undefined under `noUncheckedIndexedAccess`.)
 */
export function segments(plugin: Plugin, path: string): Plugin {
  return path.split('.').reduce<Plugin>((node, name) => Reflect.get(node, name) as Plugin, plugin);
}

/** A key pair that belongs to nobody: signs requests the emulator must refuse, verifies nothing it sends. */
export function strangerKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export interface WireError {
  code: string;
  message: string;
  detail?: { field?: string; value?: unknown; issue?: string; location?: string };
}

/**
 * The error a plugin call rejects with. `isAxiosError` rather than `instanceof`: the plugin `require`s axios'
 * CommonJS build while this file imports the ES module build, so the two AxiosError classes differ.
 */
export async function rejectionOf(call: Promise<unknown>): Promise<AxiosError<WireError>> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    if (isAxiosError<WireError>(error)) return error;
    throw error;
  }
  throw new Error(
    `expected the plugin call to be rejected, but it resolved with ${JSON.stringify((result as AxiosResponse).data)}`,
  );
}

/** The APIv3 error body of a rejected call, with its HTTP status. */
export async function apiErrorOf(
  call: Promise<unknown>,
): Promise<{ status: number | undefined } & WireError> {
  const error = await rejectionOf(call);
  if (!error.response) throw new Error(`the plugin got no HTTP answer: ${error.code} ${error.message}`);
  return { status: error.response.status, ...error.response.data };
}

/** Calls `POST /_emulator/<path>` (the user's and WeChat Pay's side, which no API call performs). */
export async function control(emulator: RunningEmulator, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(`${emulator.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok) throw new Error(`control ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A loopback merchant endpoint that acknowledges every notification, so deliveries never leave the machine. */
export async function startNotifyReceiver(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/wxpay/notify`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
