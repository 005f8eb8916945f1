/**
 * One process of a test fleet. Connects, prints `ready`, waits for `go` on stdin (so every process starts at
 * once), does its part, prints one JSON line and exits. Run by `fleet.ts` through the caching TypeScript loader.
 *
 *   rate  <url> <key> <ratePerSecond> <burst> <durationMs> <skewMs>  → { grants: [[sentMs, repliedMs], …] }
 *   claim <url> <idPrefix> <count>                     → { won: [id, …], lock: got the certificate refresh lock }
 *   warm                                                               → exits once loaded (fills the cache)
 */
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'redis';
import { RedisNotificationClaims, RedisPlatformCertificateStore, RedisTokenStore } from '../../src/index.js';

const [mode, url, ...args] = process.argv.slice(2);
if (mode === 'warm') process.exit(0);
const client = createClient({ url });
client.on('error', (error: Error) => console.error(`worker ${process.pid}: ${error.message}`));
await client.connect();

const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line === 'go' && resolve()));
console.log('ready');
await go;

if (mode === 'rate') {
  const [key = '', rate, burst, durationMs, skewMs] = args;
  const store = new RedisTokenStore({ client, policy: 'closed' });
  const grants: Array<[number, number]> = [];
  const endAt = Date.now() + Number(durationMs);
  while (Date.now() < endAt) {
    const sentMs = Date.now();
    // This host's clock is `skewMs` off; the store must not care.
    const result = await store.take(key, Number(rate), Number(burst), sentMs + Number(skewMs));
    if (result.ok) grants.push([sentMs, Date.now()]);
    else await delay(Math.min(result.retryAfterMs, Math.max(1, endAt - Date.now())));
  }
  console.log(JSON.stringify({ grants }));
} else if (mode === 'claim') {
  const [prefix, count] = args;
  const claims = new RedisNotificationClaims({ client });
  const ids = Array.from({ length: Number(count) }, (_, i) => `${prefix}${i}`);
  const certificates = new RedisPlatformCertificateStore({ client, policy: 'closed' });
  const lock = certificates.acquireRefreshLock(`${prefix}mchid`, 60_000, Date.now());
  // One claim at a time in a random order of its own: the processes interleave and meet on ids at random
  // moments, instead of one process sending all its claims in a single burst before the others start.
  const order = ids.map((id) => ({ id, sortKey: Math.random() })).sort((a, b) => a.sortKey - b.sortKey);
  const won: string[] = [];
  for (const { id } of order) if ((await claims.claim(id)).status === 'claimed') won.push(id);
  console.log(JSON.stringify({ won, lock: Boolean(await lock) }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
lines.close();
client.destroy();
