import { WechatPay } from '@wxpay-kit/sdk';
import type { E2eHarness, MerchantKey } from '../support/e2e-harness.js';

export interface Exchange {
  method: string;
  url: string;
  requestBody: string | undefined;
  status: number;
  responseBody: string;
}

export interface RecordingClient {
  wxpay: WechatPay;
  /** Every exchange as it crossed the wire, in order. */
  exchanges: Exchange[];
  /** Runs `callback` once, at the moment the next request (already validated and signed) goes on the wire. */
  onNextSend(callback: () => void): void;
}

/**
 * An SDK client for one generated merchant whose fetch keeps every exchange as it crossed the wire, so a test
 * can check what the SDK encrypted before sending and what it decrypted after receiving, and can time a
 * competing request against the moment this one is sent (signing happens before, so only then is it a race).
 */
export function recordingClient(h: E2eHarness, key: MerchantKey): RecordingClient {
  const exchanges: Exchange[] = [];
  let pending: (() => void) | undefined;
  const wxpay = new WechatPay({
    ...h.emulator.clientOptions(key),
    retry: false,
    async fetch(url, init) {
      const sending = fetch(url, init);
      const callback = pending;
      pending = undefined;
      callback?.();
      const response = await sending;
      exchanges.push({
        method: init.method ?? 'GET',
        url,
        requestBody: typeof init.body === 'string' ? init.body : undefined,
        status: response.status,
        responseBody: await response.clone().text(),
      });
      return response;
    },
  });
  return {
    wxpay,
    exchanges,
    onNextSend(callback) {
      pending = callback;
    },
  };
}
