import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFleet } from './support/fleet.js';
import { describeWithRedis, RedisServer } from './support/redis-server.js';

// Real child processes (not several clients in one process): the only way to show the limit holds across a
// fleet. Startup (TypeScript loader) takes a few seconds per process on a busy machine.
describeWithRedis('a fleet of processes sharing one Redis', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('four processes with skewed clocks share one bucket: together at most burst + rate × elapsed, and not starved', async () => {
    const rate = 20;
    const burst = 10;
    const durationMs = 3_000;
    const hour = 3_600_000;
    const skews = [0, hour, -hour, 5_000];
    const results = await runFleet<{ grants: Array<[number, number]> }>(4, (i) => [
      'rate',
      server.url,
      '1900007291:transferBills.create',
      String(rate),
      String(burst),
      String(durationMs),
      String(skews[i]),
    ]);
    const grants = results.flatMap((result) => result.grants);
    // Every granted take ran inside [first send, last reply]; a bucket that starts full can grant no more than
    // burst + rate × that span, whoever asks. (Four private buckets would grant about four times as many.)
    const span =
      Math.max(...grants.map(([, replied]) => replied)) - Math.min(...grants.map(([sent]) => sent));
    const ceiling = Math.floor(burst + (rate * span) / 1000) + 1;
    expect(grants.length).toBeLessThanOrEqual(ceiling);
    // Stated tolerance below: at least half the documented rate over the window, generous for a busy 2-core host.
    expect(grants.length).toBeGreaterThanOrEqual((rate * durationMs) / 1000 / 2);
    console.log(
      `fleet rate: ${grants.length} grants in ${span} ms (ceiling ${ceiling}), per process ${results.map((r) => r.grants.length).join('/')}`,
    );
  }, 90_000);

  it('four processes claim the same 200 notification ids and one certificate refresh lock at once: each won exactly once', async () => {
    const results = await runFleet<{ won: string[]; lock: boolean }>(4, () => [
      'claim',
      server.url,
      'EV-',
      '200',
    ]);
    expect(results.filter((result) => result.lock)).toHaveLength(1);
    const won = results.flatMap((result) => result.won);
    expect(won).toHaveLength(200);
    expect(new Set(won).size).toBe(200);
    console.log(`fleet claims: per process ${results.map((r) => r.won.length).join('/')}`);
  }, 90_000);
});
