import type { WechatPayOptions } from '@wxpay-kit/sdk';

type Fetch = NonNullable<WechatPayOptions['fetch']>;

/**
 * A fetch for an SDK client that holds every request until `count` of them are signed and waiting, then lets
 * them all go at once. A burst made of SDK calls thus reaches the server as one burst: signing (the slow part on
 * a loaded machine) is not spread over the very second a rate limit is measured in.
 */
export function startGate(count: number): Fetch {
  let waiting = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async (url, init) => {
    waiting += 1;
    if (waiting === count) open();
    await opened;
    return fetch(url, init);
  };
}
