import { loadPrivateKey, signRequest } from '@wxpay-kit/sdk/protocol';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createRuntime, type EmulatorRuntime, type RuntimeOptions } from '../../src/core/create-runtime.js';
import { type Credentials, generateCredentials, type MerchantKey } from '../../src/core/credentials.js';
import { testFamily } from './test-family.js';

/** A virtual start far from wall time, so "fresh by wall time" never hides a stale-timestamp check. */
export const START = '2030-01-01T08:00:00+08:00';
export const START_MS = Date.parse(START);

let shared: Promise<Credentials> | undefined;

/** One generated credential set per test file: generating RSA keys for every test would be slow. */
export function sharedCredentials(): Promise<Credentials> {
  shared ??= generateCredentials();
  return shared;
}

export interface SignedCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: string;
  headers?: Record<string, string>;
  /** Unix seconds; defaults to the virtual now. */
  timestamp?: number;
  nonce?: string;
  /** Sign this instead of `body` (to send a body tampered after signing). */
  signedBody?: string;
  /** Sign this URL instead of `url`. */
  signedUrl?: string;
  remoteAddress?: string;
}

export interface Harness {
  runtime: EmulatorRuntime;
  app: FastifyInstance;
  credentials: Credentials;
  /** Signs as the given merchant (with its own key unless `privateKeyOf` names another) and injects. */
  call(as: MerchantKey, request: SignedCall, privateKeyOf?: MerchantKey): Promise<LightMyRequestResponse>;
  /** A control API call (plain JSON). */
  control(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    remoteAddress?: string,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createHarness(
  options: Partial<RuntimeOptions> & { controlApi?: 'loopback' | 'open'; controlToken?: string } = {},
): Promise<Harness> {
  const credentials = await sharedCredentials();
  const { controlApi, controlToken, ...runtimeOptions } = options;
  const runtime = await createRuntime({
    dataDir: ':memory:',
    credentials,
    families: [testFamily],
    clock: { mode: 'manual', start: START },
    ...runtimeOptions,
  });
  const app = buildApp(runtime, {
    ...(controlApi ? { controlApi } : {}),
    ...(controlToken ? { controlToken } : {}),
  });
  return {
    runtime,
    app,
    credentials,
    async call(as, request, privateKeyOf = as) {
      const merchant = credentials.merchants[as];
      const signed = await signRequest({
        method: request.method,
        url: request.signedUrl ?? request.url,
        body: request.signedBody ?? request.body ?? '',
        mchid: merchant.mchid,
        serialNo: merchant.serialNo,
        privateKey: loadPrivateKey(credentials.merchants[privateKeyOf].privateKeyPem),
        timestamp: request.timestamp ?? Math.floor(runtime.clock.now() / 1000),
        ...(request.nonce ? { nonce: request.nonce } : {}),
      });
      return app.inject({
        method: request.method,
        url: request.url,
        headers: {
          authorization: signed.authorization,
          accept: 'application/json',
          'user-agent': 'wxpay-kit-test',
          ...(request.body ? { 'content-type': 'application/json' } : {}),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { payload: request.body }),
        ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
      });
    },
    control(method, url, body, remoteAddress) {
      return app.inject({
        method,
        url,
        ...(body === undefined
          ? {}
          : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        ...(remoteAddress ? { remoteAddress } : {}),
      });
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
