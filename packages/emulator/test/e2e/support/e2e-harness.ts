import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from '@wxpay-kit/emulator';
import { type NotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import { type Delivery, NotificationReceiver } from './notification-receiver.js';

export type MerchantKey = 'ordinary' | 'serviceProvider' | 'platform';

export interface E2eHarness {
  emulator: RunningEmulator;
  /** SDK clients acting as each generated merchant, pointed at the emulator. */
  sdk: Record<MerchantKey, WechatPay>;
  receiver: NotificationReceiver;
  /** Moves the emulator's virtual clock; resolves after every timer and delivery due on the way has run. */
  advance(seconds: number): ReturnType<RunningEmulator['clock']['advance']>;
  /** Calls the control API; returns status and parsed JSON without throwing on non-2xx. */
  control(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    // biome-ignore lint/suspicious/noExplicitAny: each control route answers its own JSON shape; tests read what they expect
  ): Promise<{ status: number; body: any }>;
  /** Verifies and decrypts a delivery with the receiving merchant's SDK client (throws if it fails). */
  // biome-ignore lint/suspicious/noExplicitAny: the resource type depends on the event the test caused
  parse(delivery: Delivery): Promise<NotificationEvent<any>>;
  close(): Promise<void>;
}

export interface E2eOptions extends StartEmulatorOptions {
  /**
   * A receiver the caller owns and closes, e.g. one that must outlive a restart because notifications queued
   * before it carry its URL. By default the harness starts (and closes) its own.
   */
  receiver?: NotificationReceiver;
}

/**
 * An emulator on a manual clock (time moves only when a test advances it) with SDK clients for the three
 * generated merchants and a loopback notification receiver.
 */
export async function startE2e(options: E2eOptions = {}): Promise<E2eHarness> {
  const { receiver: given, ...emulatorOptions } = options;
  const receiver = given ?? (await new NotificationReceiver().start());
  const emulator = await startEmulator({
    dataDir: ':memory:',
    clock: { mode: 'manual' },
    ...emulatorOptions,
  });
  const client = (key: MerchantKey) => new WechatPay({ ...emulator.clientOptions(key), retry: false });
  const sdk = {
    ordinary: client('ordinary'),
    serviceProvider: client('serviceProvider'),
    platform: client('platform'),
  };
  return {
    emulator,
    sdk,
    receiver,
    advance: (seconds) => emulator.clock.advance(seconds * 1000),
    async control(method, path, body) {
      const res = await fetch(`${emulator.url}/_emulator${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    parse(delivery) {
      const key = delivery.endpoint as MerchantKey;
      if (!(key in sdk)) throw new Error(`delivery to unknown endpoint ${delivery.endpoint}`);
      return sdk[key].notifications.parse({ headers: delivery.headers, body: delivery.body });
    },
    async close() {
      await emulator.close();
      if (!given) await receiver.close();
    },
  };
}
