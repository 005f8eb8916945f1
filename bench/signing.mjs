import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import {
  buildAuthorization,
  buildRequestSignMessage,
  generateNonce,
  loadPrivateKey,
  signRequest,
  signSha256WithRsaSync,
} from '@wxpay-kit/sdk/protocol';
import {
  benchKeys,
  cores,
  parallelism,
  rawRsaRates,
  SAMPLE_BODY,
  SAMPLE_URL,
  threadPoolSize,
} from './support/machine.mjs';
import { measureAsync } from './support/measure.mjs';
import { row } from './support/report.mjs';

/**
 * Signing is the floor under every call. This measures the machine's limit (raw `crypto.sign` on one core),
 * how much of every core the SDK's thread-pool signer reaches, and whether it leaves the event loop free.
 */

const CONCURRENCIES = [1, 4, 16, 64];
/** Simultaneous "requests" in the event-loop lag comparison. */
const LAG_WORKERS = 16;

function signInput(privateKey) {
  return {
    method: 'POST',
    url: SAMPLE_URL,
    body: SAMPLE_BODY,
    mchid: '1900000001',
    serialNo: 'ABC123',
    privateKey,
  };
}

/** The same work as `signRequest`, but with the synchronous signer: what an SDK without the pool does. */
function signRequestSync(input) {
  const timestamp = Math.floor(Date.now() / 1000);
  const nonce = generateNonce();
  const message = buildRequestSignMessage({ ...input, timestamp, nonce });
  const signature = signSha256WithRsaSync(message, input.privateKey);
  return buildAuthorization({ mchid: input.mchid, serialNo: input.serialNo, nonce, timestamp, signature });
}

/**
 * Event-loop delay while `LAG_WORKERS` simulated requests sign back to back. Each worker yields a macrotask
 * between signatures, as a server does between requests, so a blocked loop shows up as delay, not as silence.
 */
async function loopDelayDuring(signOnce, seconds) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const utilizationBefore = performance.eventLoopUtilization();
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LAG_WORKERS }, async () => {
      while (performance.now() < end) {
        await signOnce();
        ops++;
        await nextTurn();
      }
    }),
  );
  histogram.disable();
  return {
    opsPerSec: (ops * 1000) / (performance.now() - started),
    utilization: performance.eventLoopUtilization(utilizationBefore).utilization,
    p99: histogram.percentile(99) / 1e6,
    max: histogram.max / 1e6,
  };
}

async function idleLoopDelay(seconds) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await sleep(seconds * 1000);
  histogram.disable();
  return histogram.percentile(99) / 1e6;
}

export async function run() {
  const privateKey = loadPrivateKey(benchKeys().privateKey);
  const input = signInput(privateKey);
  const raw = rawRsaRates().sign;
  const ceiling = raw * parallelism;
  const ceilingLabel = `raw × ${parallelism} (min(cores ${cores}, pool ${threadPoolSize}))`;
  const rows = [
    row('raw crypto.sign, sync, one core', raw, 'ops/s', 1, 'itself: the machine limit per core'),
  ];

  let best = 0;
  for (const concurrency of CONCURRENCIES) {
    const result = await measureAsync(() => signRequest(input), { concurrency, seconds: 1 });
    best = Math.max(best, result.opsPerSec);
    rows.push(
      row(
        `signRequest (pool), concurrency ${concurrency}`,
        result.opsPerSec,
        'ops/s',
        result.opsPerSec / ceiling,
        ceilingLabel,
      ),
    );
  }
  rows.push(row('signRequest best vs every core', best, 'ops/s', best / ceiling, ceilingLabel));

  const idle = await idleLoopDelay(0.3);
  const sync = await loopDelayDuring(async () => signRequestSync(input), 1);
  const pooled = await loopDelayDuring(() => signRequest(input), 1);
  rows.push(
    row('loop delay p99, idle', idle, 'ms'),
    row(`loop delay p99, ${LAG_WORKERS} sync signers`, sync.p99, 'ms', 1, 'itself'),
    row(
      `loop delay p99, ${LAG_WORKERS} signRequest (pool)`,
      pooled.p99,
      'ms',
      pooled.p99 / sync.p99,
      'sync signers p99',
    ),
    row(`loop delay max, ${LAG_WORKERS} sync signers`, sync.max, 'ms'),
    row(
      `loop delay max, ${LAG_WORKERS} signRequest (pool)`,
      pooled.max,
      'ms',
      pooled.max / sync.max,
      'sync signers max',
    ),
    row(`loop busy share, ${LAG_WORKERS} sync signers`, sync.utilization * 100, '%', 1, 'itself'),
    row(
      `loop busy share, ${LAG_WORKERS} signRequest (pool)`,
      pooled.utilization * 100,
      '%',
      pooled.utilization / sync.utilization,
      'sync signers busy share',
    ),
    row('sync signers throughput (lag run)', sync.opsPerSec, 'ops/s', sync.opsPerSec / raw, 'raw × 1'),
    row(
      'signRequest throughput (lag run)',
      pooled.opsPerSec,
      'ops/s',
      pooled.opsPerSec / ceiling,
      ceilingLabel,
    ),
  );
  return {
    name: 'signing',
    title: 'RSA-2048 SHA256withRSA request signing',
    rows,
    notes: [
      `${cores} cores, UV_THREADPOOL_SIZE ${threadPoolSize}: at most ${parallelism} signatures run at once off the loop`,
      'loop delay is sampled every 1 ms, so an idle loop shows about 1 ms; lower is freer',
    ],
  };
}
