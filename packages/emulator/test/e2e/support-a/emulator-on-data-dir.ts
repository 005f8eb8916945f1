import { type StartEmulatorOptions, startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import type { E2eHarness, MerchantKey } from '../support/e2e-harness.js';
import type { NotificationReceiver } from '../support/notification-receiver.js';

/**
 * What `startE2e()` gives, for an emulator on a data directory and a receiver the caller owns. The shared harness
 * starts a receiver of its own per emulator; a restart test needs one receiver that outlives both emulators,
 * because notifications queued before the restart carry its URL. `close()` stops the emulator only.
 */
export async function startOnDataDir(
  dataDir: string,
  receiver: NotificationReceiver,
  options: Omit<StartEmulatorOptions, 'dataDir'> = {},
): Promise<E2eHarness> {
  const emulator = await startEmulator({ clock: { mode: 'manual' }, ...options, dataDir });
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
    close: () => emulator.close(),
  };
}
