import { execFile } from 'node:child_process';
import { sign as rsaSign, verify as rsaVerify } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '@wxpay-kit/emulator';
import { loadPrivateKey, loadPublicKey, signRequest } from '@wxpay-kit/sdk/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { benchKeys, cores, rawRsaRates, SAMPLE_MESSAGE } from './support/machine.mjs';
import { applyInput, startNotifyReceiver } from './support/notify-receiver.mjs';
import { row } from './support/report.mjs';
import { startRsaOnlyServer } from './support/rsa-only-server.mjs';

/**
 * The emulator alone, under a load generator in another process that sends pre-signed requests (it does no RSA
 * while measuring): reads and writes against the server-side RSA ceiling (one verify and one sign per request on
 * every core), query latency with 1M stored resources and 1M delivered notifications against 1k, and notification
 * deliveries per second to fast receivers, with and without receivers that never answer.
 */

const CONCURRENCY = 32;
const SECONDS = 3;
/** Before each measured run: long enough for V8 to finish compiling the hot path (0.5 s left it compiling). */
const WARM_UP_SECONDS = 1.5;
const BIG = Number(process.env.BENCH_BIG ?? 1_000_000);
const SMALL = 1000;
const DELIVERIES = 5000;
const DELIVERY_ROUNDS = 2;
const run$ = promisify(execFile);
const GET_NO = 'benchLoad0001';

/** Runs support/load-generator.mjs in its own process against `url` (or an array of URLs sharing the connections). */
export async function loadGenerator(
  url,
  requests,
  { concurrency = CONCURRENCY, seconds = SECONDS, once = false } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'wxpay-load-'));
  const file = join(dir, 'job.json');
  const target = Array.isArray(url) ? { urls: url } : { url };
  await writeFile(file, JSON.stringify({ ...target, requests, concurrency, seconds, once }));
  try {
    const generator = new URL('./support/load-generator.mjs', import.meta.url).pathname;
    const { stdout } = await run$(process.execPath, [generator, file], { maxBuffer: 1 << 24 });
    return JSON.parse(stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A load-generator run with the CPU each side used: the emulator runs in this process (the benchmark does nothing
 * else meanwhile), so this process's user+system time over the run is the emulator's, thread pool included.
 */
async function measuredLoad(url, requests, options) {
  const before = process.cpuUsage();
  const result = await loadGenerator(url, requests, options);
  const used = process.cpuUsage(before);
  return { ...result, emulatorCpuMicros: used.user + used.system };
}

/**
 * CPU time (user+system) of one raw sync sign and one raw sync verify, in µs. Unlike the raw rates (operations
 * per wall-clock second), it does not shrink when other processes take turns on the core: it is what the
 * emulator's CPU per request is compared with.
 */
export function rsaCpuMicros() {
  const { privateKey, publicKey } = benchKeys();
  const signature = rsaSign('sha256', SAMPLE_MESSAGE, privateKey);
  // The least of five short rounds: on a shared machine, CPU time too grows with the neighbours' load.
  const cpuPerOp = (fn, ops) => {
    for (let i = 0; i < 20; i++) fn();
    let least = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      const before = process.cpuUsage();
      for (let i = 0; i < ops; i++) fn();
      const used = process.cpuUsage(before);
      least = Math.min(least, (used.user + used.system) / ops);
    }
    return least;
  };
  return (
    cpuPerOp(() => rsaSign('sha256', SAMPLE_MESSAGE, privateKey), 400) +
    cpuPerOp(() => rsaVerify('sha256', SAMPLE_MESSAGE, publicKey, signature), 4000)
  );
}

/**
 * What a run says about CPU: per request for the emulator (against its RSA work, the CPU of one sign and one
 * verify) and for the load generator, and the ceiling (raw rates) of the cores the generator left over.
 */
function cpuRows(label, run, { sign, verify, rsaCpu }) {
  const rsaMicros = 1e6 / sign + 1e6 / verify;
  const perSecond = run.ops / run.seconds;
  const generatorCores = run.cpuMicros / 1e6 / run.seconds;
  const coresLeft = Math.max(cores - generatorCores, 0.01);
  const leftCeiling = coresLeft / (rsaMicros / 1e6);
  const emulatorMicros = run.emulatorCpuMicros / run.ops;
  const generatorMicros = run.cpuMicros / run.ops;
  return [
    row(
      `${label} against the cores left to it`,
      perSecond,
      'req/s',
      perSecond / leftCeiling,
      `${Math.round(leftCeiling)} req/s = ${coresLeft.toFixed(2)} cores (${cores} − generator's) / (1 verify + 1 sign)`,
    ),
    row(
      `${label}: emulator CPU per request`,
      emulatorMicros,
      'µs',
      emulatorMicros / rsaCpu,
      `${Math.round(rsaCpu)} µs = its RSA work (CPU of 1 sign + 1 verify)`,
    ),
    row(
      `${label}: emulator cores busy`,
      run.emulatorCpuMicros / 1e6 / run.seconds,
      'cores',
      run.emulatorCpuMicros / 1e6 / run.seconds / coresLeft,
      'the cores left to it',
    ),
    row(
      `${label}: load generator CPU per request`,
      generatorMicros,
      'µs',
      generatorMicros / emulatorMicros,
      'emulator CPU per request',
    ),
  ];
}

export async function presign(emulator, method, path, body = '') {
  const m = emulator.merchants.ordinary;
  const { authorization } = await signRequest({
    method,
    url: path,
    body,
    mchid: m.mchid,
    serialNo: m.serialNo,
    privateKey: loadPrivateKey(m.privateKeyPem),
  });
  return {
    method,
    path,
    body: body || undefined,
    headers: {
      authorization,
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
    },
  };
}

export const getPath = (no) =>
  `/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/${no}`;
export const APPLY_PATH = '/v3/fund-app/mch-transfer/user-confirm-authorization';

/**
 * Reads, writes and the floor, in this process. With `lowerThreadPoolPriority` (the `wxpay-emulator` command's
 * default) the pool's priority is lowered for the floor too, so both sides of the comparison run alike.
 */
export async function throughput(receiver, { lowerThreadPoolPriority = false } = {}) {
  const emulator = await startEmulator({ dataDir: ':memory:', rateLimits: false, lowerThreadPoolPriority });
  try {
    const apply = await presign(
      emulator,
      'POST',
      APPLY_PATH,
      JSON.stringify(applyInput(emulator, GET_NO, receiver.url)),
    );
    await loadGenerator(emulator.url, [apply], { concurrency: 1, seconds: 0.05 });
    const reads = [await presign(emulator, 'GET', getPath(GET_NO))];
    await loadGenerator(emulator.url, reads, { seconds: WARM_UP_SECONDS });
    const read = await measuredLoad(emulator.url, reads);
    // The same reads against a server that does only their HTTP and RSA work: the floor under the emulator.
    const answer = await (
      await fetch(`${emulator.url}${reads[0].path}`, { headers: reads[0].headers })
    ).text();
    const floorServer = await startRsaOnlyServer({
      merchantPublicKey: loadPublicKey(emulator.merchants.ordinary.certificatePem),
      platformPrivateKey: benchKeys().privateKey,
      body: answer,
    });
    let floor;
    try {
      await loadGenerator(floorServer.url, reads, { seconds: WARM_UP_SECONDS });
      floor = await measuredLoad(floorServer.url, reads);
    } finally {
      floorServer.close();
    }
    // Every write a new authorization, pre-signed: more than the warm-up and the run can use at 1.5× the read rate.
    const perSecond = read.ops / read.seconds;
    const warmUpCount = Math.ceil(perSecond * WARM_UP_SECONDS * 1.5);
    const count = Math.ceil(perSecond * SECONDS * 1.5);
    const writes = [];
    for (let i = 0; i < warmUpCount + count; i++) {
      const body = JSON.stringify({
        ...applyInput(emulator, `benchW${i}`, receiver.url),
        openid: `o-bench-${i}`,
      });
      writes.push(await presign(emulator, 'POST', APPLY_PATH, body));
    }
    await loadGenerator(emulator.url, writes.slice(0, warmUpCount), { seconds: WARM_UP_SECONDS, once: true });
    const write = await measuredLoad(emulator.url, writes.slice(warmUpCount), { seconds: SECONDS });
    return { read, write, floor };
  } finally {
    await emulator.close();
  }
}

/** A data dir holding `n` authorizations and `n` delivered notifications (bulk-inserted, cloned from a real one). */
async function filledStore(n, receiver) {
  const dataDir = await mkdtemp(join(tmpdir(), 'wxpay-store-'));
  let emulator = await startEmulator({ dataDir, rateLimits: false });
  const apply = await presign(
    emulator,
    'POST',
    APPLY_PATH,
    JSON.stringify(applyInput(emulator, GET_NO, receiver.url)),
  );
  await loadGenerator(emulator.url, [apply], { concurrency: 1, seconds: 0.05 });
  await emulator.close();
  const db = new BetterSqlite3(join(dataDir, 'emulator.sqlite'));
  db.exec(`
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
    INSERT INTO authorizations (mchid, out_authorization_no, appid, openid, transfer_scene_id, user_display_name,
      user_recv_perception, authorization_notify_url, package_info, state, create_time, request_canonical)
    SELECT a.mchid, 'fill' || i, a.appid, 'o-fill-' || i, a.transfer_scene_id, a.user_display_name,
      a.user_recv_perception, a.authorization_notify_url, a.package_info, a.state, a.create_time, a.request_canonical
    FROM seq, (SELECT * FROM authorizations LIMIT 1) AS a;
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
    INSERT INTO notify_notifications (event_id, mchid, url, family, event_type, summary, original_type,
      associated_data, resource_json, resource_key, created_at, create_time, state, retry_schedule_json,
      attempts_made, next_due_at, delivered_at)
    SELECT 'fill-' || i, 'm', 'http://127.0.0.1:9/n', 'authorizations', 'X', 's', 'o', 'a', '{}', 'fill' || i, 0,
      '2026-01-01T00:00:00+08:00', 'delivered', '[0]', 1, NULL, 0 FROM seq;
  `);
  db.close();
  emulator = await startEmulator({ dataDir, rateLimits: false });
  return {
    emulator,
    close: async () => {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function queryLatency(receiver) {
  const result = {};
  for (const n of [SMALL, BIG]) {
    const store = await filledStore(n, receiver);
    try {
      const reads = [await presign(store.emulator, 'GET', getPath(GET_NO))];
      await loadGenerator(store.emulator.url, reads, { concurrency: 1, seconds: 0.3 });
      result[n] = await loadGenerator(store.emulator.url, reads, { concurrency: 1, seconds: 2 });
    } finally {
      await store.close();
    }
  }
  return result;
}

/**
 * Ten fast receivers, or nine and one (a tenth of the traffic) that accepts connections and never answers: the
 * healthy deliveries per second, and this process's CPU (emulator and receivers) per healthy delivery, which unlike
 * the rate does not shrink when other processes take turns on the cores.
 */
async function deliveries(withDead) {
  const fast = await Promise.all(
    Array.from({ length: withDead ? 9 : 10 }, async () => {
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return server;
    }),
  );
  const dead = withDead ? createTcpServer(() => undefined) : undefined;
  if (dead) {
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
  }
  const urls = fast.map((s) => `http://127.0.0.1:${s.address().port}/notify`);
  const deadUrl = dead ? `http://127.0.0.1:${dead.address().port}/notify` : undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'wxpay-deliver-'));
  const emulator = await startEmulator({ dataDir, rateLimits: false, clock: { mode: 'manual' } });
  const db = new BetterSqlite3(join(dataDir, 'emulator.sqlite'));
  try {
    const mchid = emulator.merchants.ordinary.mchid;
    const now = emulator.clock.now();
    const insert =
      db.prepare(`INSERT INTO notify_notifications (event_id, mchid, url, family, event_type, summary,
      original_type, associated_data, resource_json, resource_key, created_at, create_time, state, retry_schedule_json,
      next_due_at) VALUES (?, ?, ?, 'authorizations', 'MCHTRANSFER.AUTHORIZATION.CLOSED', 's', 'authorization', 'a',
      '{"state":"CLOSED"}', ?, ?, '2026-01-01T00:00:00+08:00', 'pending', '[0]', ?)`);
    db.transaction(() => {
      for (let i = 0; i < DELIVERIES; i++) {
        const url = deadUrl && i % 10 === 9 ? deadUrl : urls[i % urls.length];
        insert.run(`bench-${withDead}-${i}`, mchid, url, `r${i}`, now, now + 1);
      }
    })();
    const healthy = db.prepare(`SELECT COUNT(*) AS n FROM notify_notifications WHERE state = 'delivered'`);
    const expected = deadUrl ? DELIVERIES - DELIVERIES / 10 : DELIVERIES;
    const started = performance.now();
    const cpu = process.cpuUsage();
    void emulator.clock.advance(1);
    while (healthy.get().n < expected) await new Promise((resolve) => setTimeout(resolve, 20));
    const used = process.cpuUsage(cpu);
    return {
      rate: expected / ((performance.now() - started) / 1000),
      cpuMicros: (used.user + used.system) / expected,
    };
  } finally {
    db.close();
    await emulator.close();
    for (const s of fast) {
      s.closeAllConnections();
      s.close();
    }
    dead?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** startEmulator(':memory:') until its first signed call is answered, median of 5 (imports already loaded). */
async function firstCallMs(keyCache) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const emulator = await startEmulator({ dataDir: ':memory:', rateLimits: false, keyCache });
    const r = await presign(emulator, 'GET', getPath('none'));
    const res = await fetch(`${emulator.url}${r.path}`, { headers: r.headers });
    await res.arrayBuffer();
    times.push(performance.now() - started);
    await emulator.close();
  }
  return times.sort((a, b) => a - b)[2];
}

/** `throughput` in a child process with the pool at `priority` (see support/throughput-process.mjs). */
async function throughputInProcess(priority) {
  const child = new URL('./support/throughput-process.mjs', import.meta.url).pathname;
  const { stdout } = await run$(process.execPath, [child, priority], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

export async function run() {
  const { sign, verify } = rawRsaRates();
  const rsaCpu = rsaCpuMicros();
  const ceiling = cores / (1 / sign + 1 / verify);
  const ceilingLabel = `${Math.round(ceiling)} req/s = ${cores} cores / (1 verify + 1 sign)`;
  const receiver = await startNotifyReceiver();
  try {
    // As `wxpay-emulator` runs it (pool priority lowered), then with the pool at the loop's priority.
    const { read, write, floor } = await throughputInProcess('lowered');
    const normal = await throughputInProcess('normal');
    const latency = await queryLatency(receiver);
    // Alternated, best of two each: a neighbour's burst of load then hits both sides alike.
    const delivered = { healthy: [], withDead: [] };
    for (let round = 0; round < DELIVERY_ROUNDS; round++) {
      delivered.healthy.push(await deliveries(false));
      delivered.withDead.push(await deliveries(true));
    }
    const best = (runs) => ({
      rate: Math.max(...runs.map((r) => r.rate)),
      cpuMicros: Math.min(...runs.map((r) => r.cpuMicros)),
    });
    const healthy = best(delivered.healthy);
    const withDead = best(delivered.withDead);
    const keyCacheDir = await mkdtemp(join(tmpdir(), 'wxpay-keys-'));
    const startFresh = await firstCallMs(false);
    await firstCallMs(keyCacheDir); // fills the cache
    const startCached = await firstCallMs(keyCacheDir);
    await rm(keyCacheDir, { recursive: true, force: true });
    const small = latency[SMALL];
    const big = latency[BIG];
    const rate = (run) => run.ops / run.seconds;
    const rateRow = (label, run) =>
      row(label, run.ops / run.seconds, 'req/s', run.ops / run.seconds / ceiling, ceilingLabel);
    return {
      name: 'emulator-load',
      title: `the emulator alone, load generator in another process (pre-signed requests), concurrency ${CONCURRENCY}`,
      rows: [
        row('server-side ceiling (RSA only)', ceiling, 'req/s', 1, 'itself'),
        rateRow('authorizations.get', read),
        row('authorizations.get p50', read.p50, 'ms'),
        ...cpuRows('get', read, { sign, verify, rsaCpu }),
        rateRow('floor: node:http + verify + pool sign, no emulator', floor),
        { ...cpuRows('floor', floor, { sign, verify, rsaCpu })[1], metric: 'floor: server CPU per request' },
        row(
          'get: emulator CPU beyond the floor',
          read.emulatorCpuMicros / read.ops - floor.emulatorCpuMicros / floor.ops,
          'µs',
        ),
        rateRow('authorizations.apply (every one new)', write),
        row('authorizations.apply p50', write.p50, 'ms'),
        ...cpuRows('apply', write, { sign, verify, rsaCpu }),
        ...[
          ['get, pool at the loop’s priority (--pool-priority normal)', normal.read, read, 'get'],
          ['apply, pool at the loop’s priority', normal.write, write, 'apply'],
          ['floor, pool at the loop’s priority', normal.floor, floor, 'floor'],
        ].map(([label, atNormal, lowered, what]) =>
          row(
            label,
            rate(atNormal),
            'req/s',
            rate(atNormal) / rate(lowered),
            `${what} with the pool lowered`,
          ),
        ),
        row(`get p50, ${SMALL} resources + ${SMALL} delivered notifications`, small.p50, 'ms', 1, 'itself'),
        row(
          `get p50, ${BIG.toLocaleString('en-US')} + ${BIG.toLocaleString('en-US')}`,
          big.p50,
          'ms',
          big.p50 / small.p50,
          `p50 with ${SMALL}`,
        ),
        row('deliveries to 10 fast receivers', healthy.rate, 'deliveries/s', 1, 'itself'),
        row(
          '… to 9 fast while a 10th never answers',
          withDead.rate,
          'deliveries/s',
          withDead.rate / healthy.rate,
          'deliveries/s without the dead one',
        ),
        row('CPU per delivery, 10 fast receivers', healthy.cpuMicros, 'µs', 1, 'itself'),
        row(
          '… 9 fast and a 10th that never answers',
          withDead.cpuMicros,
          'µs',
          withDead.cpuMicros / healthy.cpuMicros,
          'CPU per delivery without the dead one',
        ),
        row('start to first signed answer, keys generated', startFresh, 'ms', 1, 'itself'),
        row(
          '… with the dev key cache (keyCache)',
          startCached,
          'ms',
          startCached / startFresh,
          'keys generated',
        ),
      ],
      notes: [
        `answers: get ${JSON.stringify(read.statuses)}, apply ${JSON.stringify(write.statuses)}, floor ${JSON.stringify(floor.statuses)} (status → count; 0 = connection error)`,
        `raw rates used for the ceiling: sign ${Math.round(sign)}/s, verify ${Math.round(verify)}/s per core`,
        'CPU is user+system time: the emulator’s read in its process (main thread and thread pool; nothing else runs there meanwhile), the generator’s in its own',
        'the emulator and the floor run in one child process with the thread pool niced below the event loop, as `wxpay-emulator` runs by default (--pool-priority lowered); the rows “pool at the loop’s priority” repeat them in another with it left alone',
        `${DELIVERIES} notifications per delivery run, each to one of the receivers (in this process, so they share its loop)`,
      ],
    };
  } finally {
    await receiver.close();
  }
}
