import type { MerchantKey, RunningEmulator } from '@wxpay-kit/emulator';
import { WechatPay, type WechatPayOptions } from '@wxpay-kit/sdk';

export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface CapturingClient {
  client: WechatPay;
  /** Every request as it left the SDK (after any `rewrite`). */
  sent: SentRequest[];
}

/**
 * An SDK client for one of the emulator's merchants whose fetch records each request, and may rewrite it on its
 * way out, after the SDK signed it (how a request tampered with in transit is produced).
 */
export function capturingClient(
  emulator: RunningEmulator,
  key: MerchantKey,
  options: Partial<WechatPayOptions> & { rewrite?: (request: SentRequest) => SentRequest } = {},
): CapturingClient {
  const sent: SentRequest[] = [];
  const { rewrite, ...clientOptions } = options;
  const client = new WechatPay({
    ...emulator.clientOptions(key),
    retry: false,
    ...clientOptions,
    fetch: (url, init) => {
      const original: SentRequest = {
        url,
        method: init.method ?? 'GET',
        headers: { ...(init.headers as Record<string, string>) },
        body: typeof init.body === 'string' ? init.body : undefined,
      };
      const request = rewrite ? rewrite(original) : original;
      sent.push(request);
      return fetch(request.url, {
        ...init,
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
    },
  });
  return { client, sent };
}
