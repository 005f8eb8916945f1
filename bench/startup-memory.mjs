import { generateKeyPair } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import { rawRsaRates } from './support/machine.mjs';
import { measureAsync, measureSync, median } from './support/measure.mjs';
import { applyInput, startNotifyReceiver } from './support/notify-receiver.mjs';
import { row } from './support/report.mjs';

/**
 * How long an emulator takes to listen, and whether memory keeps growing under load: the heap and RSS are
 * read after a forced collection at start, half-way through the requests, and at the end. Growth in the first
 * half can be warm-up (JIT, caches); growth that continues in the second half is what a leak looks like.
 */

const STARTS = 5;
const REQUESTS = 10_000;
/** Upper bound for the requests, so a slow machine still finishes in seconds. */
const REQUEST_SECONDS = 5;
const CONCURRENCY = 32;
const MB = 1024 * 1024;

// A real collection before each reading, without asking the caller to pass --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/**
 * Collects, lets FinalizationRegistry callbacks run (AbortSignal.timeout clears its timer from one, so a bare
 * gc() would count every finished request's timer as live), and collects again.
 */
async function memory() {
  gc();
  await sleep(20);
  gc();
  let heapData = 0;
  let heapCode = 0;
  // Compiled code keeps growing while the JIT warms up; only the data spaces say whether objects pile up.
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name.startsWith('code')) heapCode += space.space_used_size;
    else heapData += space.space_used_size;
  }
  return { rss: process.memoryUsage().rss, heapData, heapCode };
}

function keyPair() {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (error) => (error ? reject(error) : resolve())),
  );
}

async function elapsedMs(action) {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function startAndClose(options) {
  const emulator = await startEmulator(options);
  await emulator.close();
}

/** `:memory:` generates four RSA key pairs (platform + three merchants) in parallel: the floor of a fresh start. */
async function readiness() {
  const dataDir = await mkdtemp(join(tmpdir(), 'wxpay-kit-bench-'));
  try {
    await startAndClose({ dataDir });
    const fresh = [];
    const keygen = [];
    const reuse = [];
    // Interleaved, so that a burst of load from elsewhere on the machine falls on all three alike.
    for (let i = 0; i < STARTS; i++) {
      fresh.push(await elapsedMs(() => startAndClose({ dataDir: ':memory:' })));
      keygen.push(await elapsedMs(() => Promise.all([keyPair(), keyPair(), keyPair(), keyPair()])));
      reuse.push(await elapsedMs(() => startAndClose({ dataDir })));
    }
    return { fresh: median(fresh), keygen: median(keygen), reuse: median(reuse) };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function memoryUnderLoad() {
  const receiver = await startNotifyReceiver();
  const before = await memory();
  const emulator = await startEmulator({ dataDir: ':memory:', rateLimits: false });
  try {
    const options = { ...emulator.clientOptions('ordinary'), rateLimit: false, retry: false };
    const construction = measureSync(() => new WechatPay(options), { seconds: 0.5, warmup: 5 }).opsPerSec;
    const wxpay = new WechatPay(options);
    await wxpay.authorizations.apply(applyInput(emulator, 'benchMemory0001', receiver.url));
    const get = () => wxpay.authorizations.get({ out_authorization_no: 'benchMemory0001' });
    const started = await memory();
    // No warm-up calls: every request is counted in the reading that follows it.
    const half = {
      concurrency: CONCURRENCY,
      seconds: REQUEST_SECONDS / 2,
      maxOps: REQUESTS / 2,
      warmup: false,
    };
    const first = await measureAsync(get, half);
    const middle = await memory();
    const second = await measureAsync(get, half);
    const end = await memory();
    return { before, started, middle, end, first: first.ops, second: second.ops, construction };
  } finally {
    await emulator.close();
    await receiver.close();
  }
}

export async function run() {
  const { fresh, keygen, reuse } = await readiness();
  const m = await memoryUnderLoad();
  const signMs = 1000 / rawRsaRates().sign;
  const constructionMs = 1000 / m.construction;
  const requests = m.first + m.second;
  const secondHalfHeapPerRequest = (m.end.heapData - m.middle.heapData) / m.second;
  return {
    name: 'startup-memory',
    title: `emulator readiness (median of ${STARTS}) and memory over ${requests} authorizations.get`,
    rows: [
      row('4 RSA-2048 key pairs on the pool', keygen, 'ms', 1, 'itself'),
      row('startEmulator(:memory:) → listening', fresh, 'ms', fresh / keygen, '4 key pairs'),
      row('restart with a dataDir (keys reused)', reuse, 'ms', reuse / fresh, ':memory: start'),
      row('new WechatPay(emulator options)', constructionMs, 'ms', constructionMs / signMs, 'one raw sign'),
      row('RSS before start', m.before.rss / MB, 'MB'),
      row('RSS after start', m.started.rss / MB, 'MB', m.started.rss / m.before.rss, 'RSS before start'),
      row(
        `RSS after ${m.first} requests`,
        m.middle.rss / MB,
        'MB',
        m.middle.rss / m.started.rss,
        'RSS after start',
      ),
      row(`RSS after ${requests} requests`, m.end.rss / MB, 'MB', m.end.rss / m.middle.rss, 'RSS half-way'),
      row('heap data before start', m.before.heapData / MB, 'MB'),
      row(
        'heap data after start',
        m.started.heapData / MB,
        'MB',
        m.started.heapData / m.before.heapData,
        'heap data before',
      ),
      row(
        `heap data after ${m.first} requests`,
        m.middle.heapData / MB,
        'MB',
        m.middle.heapData / m.started.heapData,
        'heap data after start',
      ),
      row(
        `heap data after ${requests} requests`,
        m.end.heapData / MB,
        'MB',
        m.end.heapData / m.middle.heapData,
        'heap data half-way',
      ),
      row('heap data growth per request, second half', secondHalfHeapPerRequest, 'bytes'),
      row(
        `JIT code after ${requests} requests`,
        m.end.heapCode / MB,
        'MB',
        m.end.heapCode / m.started.heapCode,
        'JIT code after start',
      ),
    ],
    notes: [
      'memory is read after forced garbage collection; a leak shows as a heap-data half-way→end ratio above 1',
      'RSS rarely shrinks once the allocator has grown; read it as a ceiling, the heap data as the leak signal',
      `requests: at most ${REQUESTS} or ${REQUEST_SECONDS} s at concurrency ${CONCURRENCY}, whichever ends first`,
    ],
  };
}
