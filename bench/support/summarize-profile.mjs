import { readFileSync } from 'node:fs';

/**
 * Self time of a `node --cpu-prof` profile, grouped by area (wxpay-kit, Node's HTTP, crypto, streams, GC, idle)
 * and by function. The samples are wall-clock samples of the main thread only: on a machine with more runnable
 * threads than cores, a thread preempted right after waking another (a pool job, a socket write) is charged to the
 * frame it was preempted in. Read it with process.cpuUsage numbers beside it.
 *
 *   node bench/support/summarize-profile.mjs CPU.….cpuprofile [top]
 */

const AREAS = [
  ['wxpay-kit', /packages\/sdk\/dist|@wxpay-kit\/sdk/],
  ['typebox', /typebox/],
  ['node http', /node:_http|node:http|_http_/],
  ['node net/streams', /node:net|node:stream|streams\/|stream_base|node:internal\/stream/],
  ['node crypto', /crypto/],
  ['node timers/promises/events', /timers|task_queues|node:events|abort_controller|promises/],
];

const [file, topArg = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

const byArea = new Map();
const byFunction = new Map();
let total = 0;
for (const [id, micros] of selfTime) {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const name = functionName || '(anonymous)';
  const area = url === '' ? name : (AREAS.find(([, pattern]) => pattern.test(url))?.[0] ?? 'other JS');
  byArea.set(area, (byArea.get(area) ?? 0) + micros);
  const where = `${name} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
  total += micros;
}
const print = (title, map, top) => {
  console.log(`${title} (share of ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(6)} %  ${name}`);
  }
};
print('by area', byArea, 15);
print('\nby function', byFunction, Number(topArg));
