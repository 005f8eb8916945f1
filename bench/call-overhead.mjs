import { randomFill } from 'node:crypto';
import { bareClient } from './support/bare-client.mjs';
import { measureWithCpu, signVerifyCpuMicros } from './support/call-cpu.mjs';
import { benchKeys } from './support/machine.mjs';
import { measureAsync, median } from './support/measure.mjs';
import { MCHID, OUT_AUTHORIZATION_NO, replayClient, SERIAL, startReplayServer } from './support/replay.mjs';
import { row } from './support/report.mjs';

/**
 * Where a call's CPU goes beyond its one sign and one verify, at concurrency 1 and 32, against the replay server
 * in its own process (as peer-calls). The same work is taken apart by bare node:http clients
 * (support/bare-client.mjs) that each leave one piece out:
 *
 *   Node's HTTP alone            a keep-alive request and a JSON parse, nothing signed or verified
 *   pool round trip alone        sign on the thread pool + verify a stored answer, nothing sent
 *   bare client, sync sign       sign on the event loop, request, verify: no pool round trip
 *   bare client, pool sign       what any client that keeps signing off the event loop must do
 *   wxpay-kit                    the SDK, for the difference to the bare client
 *
 * Rounds are short and alternate between the clients, each round measures its own floor, and every figure is
 * the median over rounds (differences are taken within a round first): on a shared machine a neighbour's burst
 * then spoils a round, not one client's whole figure.
 */

const CONCURRENCIES = [1, 32];
const ROUNDS = 12;
const ROUND_SECONDS = 0.25;
const FLOOR_SECONDS = 0.15;
const WARMUP_SECONDS = 0.3;
const PATH = `/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/${OUT_AUTHORIZATION_NO}`;

/** CPU per operation (median of rounds) of an async step repeated one at a time: what one wake-up costs. */
async function wakeCpuMicros(step) {
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < 300; i++) await step();
    const cpu = process.cpuUsage(before);
    rounds.push((cpu.user + cpu.system) / 300);
  }
  return median(rounds);
}

export async function run() {
  const keys = benchKeys();
  // What a call at concurrency 1 pays per wait, apart from any work: the event loop going idle and being woken
  // (a 1 ms timer), and a round trip to the thread pool for a job too small to wait for.
  const scratch = Buffer.alloc(16);
  const loopWake = await wakeCpuMicros(() => new Promise((resolve) => setTimeout(resolve, 1)));
  const poolTrip = await wakeCpuMicros(() => new Promise((resolve) => randomFill(scratch, resolve)));
  const server = await startReplayServer(keys);
  try {
    const bare = (options) =>
      bareClient({
        baseUrl: server.url,
        mchid: MCHID,
        serialNo: SERIAL,
        merchant: keys,
        platform: keys,
        path: PATH,
        ...options,
      });
    const wxpay = replayClient(server, keys, keys);
    const clients = {
      http: bare({ signing: 'none' }),
      hop: bare({ http: false }),
      sync: bare({ signing: 'sync' }),
      pool: bare({ signing: 'pool' }),
      sdk: () => wxpay.authorizations.get({ out_authorization_no: OUT_AUTHORIZATION_NO }),
    };
    for (const [name, call] of Object.entries(clients)) {
      const answer = await call();
      if (answer?.out_authorization_no !== OUT_AUTHORIZATION_NO) {
        throw new Error(`call-overhead: ${name} got an unexpected answer ${JSON.stringify(answer)}`);
      }
    }

    const names = Object.keys(clients);
    const rows = [
      row('event loop idle + woken by a 1 ms timer, CPU', loopWake, 'µs'),
      row('thread-pool round trip, 16-byte randomFill, CPU', poolTrip, 'µs'),
    ];
    const notes = [];
    for (const concurrency of CONCURRENCIES) {
      for (const call of Object.values(clients)) {
        await measureAsync(call, { concurrency, seconds: WARMUP_SECONDS });
      }
      // Per round: the floor measured right then, and each client's CPU per call beyond it.
      const rounds = [];
      for (let round = 0; round < ROUNDS; round++) {
        const floor = signVerifyCpuMicros(keys, FLOOR_SECONDS);
        const beyond = {};
        const system = {};
        for (const name of round % 2 === 0 ? names : [...names].reverse()) {
          const m = await measureWithCpu(clients[name], { concurrency, seconds: ROUND_SECONDS });
          beyond[name] = m.cpuMicros / m.ops - floor;
          system[name] = m.systemMicros / m.ops;
        }
        rounds.push({ floor, beyond, system });
      }
      const med = (pick) => median(rounds.map(pick));
      const c = `c${concurrency}`;
      const http = med((r) => r.beyond.http + r.floor);
      const sync = med((r) => r.beyond.sync);
      const pool = med((r) => r.beyond.pool);
      const sdk = med((r) => r.beyond.sdk);
      rows.push(
        row(
          `${c} raw sign + verify CPU (the floor)`,
          med((r) => r.floor),
          'µs',
        ),
        row(`${c} Node's HTTP alone, CPU per call`, http, 'µs'),
        row(
          `${c} pool round trip alone, beyond floor`,
          med((r) => r.beyond.hop),
          'µs',
        ),
        row(`${c} bare, sync sign, beyond floor`, sync, 'µs', sync / http, "Node's HTTP alone"),
        row(`${c} bare, pool sign, beyond floor`, pool, 'µs', pool / sync, 'bare, sync sign'),
        row(`${c} wxpay-kit, beyond floor`, sdk, 'µs', sdk / pool, 'bare, pool sign'),
      );
      notes.push(
        `${c}: per round, pool sign − sync sign ${Math.round(med((r) => r.beyond.pool - r.beyond.sync))} µs, ` +
          `wxpay-kit − bare pool sign ${Math.round(med((r) => r.beyond.sdk - r.beyond.pool))} µs; system time per call: ` +
          names.map((name) => `${name} ${Math.round(med((r) => r.system[name]))}`).join(', ') +
          ' µs',
      );
    }
    return {
      name: 'call-overhead',
      title:
        'where the CPU of a call goes beyond sign + verify: bare node:http clients that each leave one piece out',
      rows,
      notes: [
        ...notes,
        'each figure is the median over alternating rounds; CPU is this process (main thread and thread pool)',
      ],
    };
  } finally {
    await server.close();
  }
}
