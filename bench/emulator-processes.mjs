import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPLY_PATH, getPath, loadGenerator, presign } from './emulator-load.mjs';
import { applyInput } from './support/notify-receiver.mjs';
import { row } from './support/report.mjs';
import { processCpuMicros } from './support/thread-cpu.mjs';

/**
 * Would more event loops help? One emulator process against two on the same data folder (SQLite in WAL mode), the
 * load generator (another process, pre-signed requests, 32 connections) split over them, alternated in the same
 * run: requests/s and the emulator processes' CPU per request (from /proc, Linux only). Both processes serve; a
 * real design would also need one timer and delivery leader, which this measurement leaves out.
 */

const ROUNDS = 2;
const SECONDS = 3;
const WRITES_PER_RUN = 6000;

async function startProcess(dataDir) {
  const child = spawn(
    process.execPath,
    [new URL('./support/emulator-process.mjs', import.meta.url).pathname, dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = await once(child.stdout, 'data');
  const info = JSON.parse(String(line));
  return { ...info, merchants: { ordinary: info.ordinary }, stop: () => child.kill('SIGTERM'), child };
}

async function measure(servers, requests, options) {
  const before = servers.map((s) => processCpuMicros(s.pid));
  const result = await loadGenerator(
    servers.map((s) => s.url),
    requests,
    options,
  );
  const cpu = servers.reduce((sum, s, i) => sum + processCpuMicros(s.pid) - before[i], 0);
  return { rate: result.ops / result.seconds, cpuPerRequest: cpu / result.ops, statuses: result.statuses };
}

export async function run() {
  const dataDir = await mkdtemp(join(tmpdir(), 'wxpay-processes-'));
  const first = await startProcess(dataDir);
  const second = await startProcess(dataDir);
  try {
    const notifyUrl = 'http://127.0.0.1:9/notify';
    const apply = await presign(
      first,
      'POST',
      APPLY_PATH,
      JSON.stringify(applyInput(first, 'benchP0001', notifyUrl)),
    );
    await loadGenerator(first.url, [apply], { concurrency: 1, seconds: 0.05 });
    const reads = [await presign(first, 'GET', getPath('benchP0001'))];
    const writes = [];
    for (let i = 0; i < WRITES_PER_RUN * (2 * ROUNDS + 1); i++) {
      const body = JSON.stringify({ ...applyInput(first, `benchP${i}x`, notifyUrl), openid: `o-proc-${i}` });
      writes.push(await presign(first, 'POST', APPLY_PATH, body));
    }
    const nextWrites = () => writes.splice(0, WRITES_PER_RUN);
    // Warm-up: both processes, reads and writes.
    await loadGenerator([first.url, second.url], reads, { seconds: 1.5 });
    await loadGenerator([first.url, second.url], nextWrites(), { seconds: 1.5, once: true });
    const runs = { get1: [], get2: [], apply1: [], apply2: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.get1.push(await measure([first], reads, { seconds: SECONDS }));
      runs.get2.push(await measure([first, second], reads, { seconds: SECONDS }));
      runs.apply1.push(await measure([first], nextWrites(), { seconds: SECONDS, once: true }));
      runs.apply2.push(await measure([first, second], nextWrites(), { seconds: SECONDS, once: true }));
    }
    const mean = (list, key) => list.reduce((sum, r) => sum + r[key], 0) / list.length;
    const rows = [];
    for (const name of ['get', 'apply']) {
      const one = runs[`${name}1`];
      const two = runs[`${name}2`];
      rows.push(
        row(`${name}, 1 process`, mean(one, 'rate'), 'req/s', 1, 'itself'),
        row(
          `${name}, 2 processes`,
          mean(two, 'rate'),
          'req/s',
          mean(two, 'rate') / mean(one, 'rate'),
          '1 process',
        ),
        row(`${name}, 1 process: CPU per request`, mean(one, 'cpuPerRequest'), 'µs', 1, 'itself'),
        row(
          `${name}, 2 processes: CPU per request`,
          mean(two, 'cpuPerRequest'),
          'µs',
          mean(two, 'cpuPerRequest') / mean(one, 'cpuPerRequest'),
          '1 process',
        ),
      );
    }
    const statuses = Object.entries(runs).map(
      ([name, list]) => `${name} ${JSON.stringify(list.map((r) => r.statuses))}`,
    );
    return {
      name: 'emulator-processes',
      title: `one emulator process against two on one WAL file, ${ROUNDS} alternating rounds of ${SECONDS} s`,
      rows,
      notes: [
        'CPU is every thread of the emulator processes (from /proc/<pid>/task/*/schedstat), the generator apart',
        'on a shared machine a second process also takes a larger share of the cores from other work: read the CPU rows',
        `answers: ${statuses.join('; ')}`,
      ],
    };
  } finally {
    first.stop();
    second.stop();
    await Promise.all([once(first.child, 'exit'), once(second.child, 'exit')]);
    await rm(dataDir, { recursive: true, force: true });
  }
}
