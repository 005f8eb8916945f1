import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The load generator, run as its own process so that the emulator has the benchmark's cores to itself apart from
 * this: it sends pre-signed requests (no RSA here while measuring) over keep-alive connections and does not verify
 * the answers. Input: a JSON file { url, requests: [{ method, path, headers, body }], concurrency, seconds }, or
 * `urls` instead of `url` to spread the connections over several servers (connection i goes to urls[i % n]).
 * Output (stdout): { ops, seconds, p50, p99, statuses, cpuMicros } where cpuMicros is this process's own
 * user+system CPU over the measured window, so the benchmark can tell what the generator took from the cores.
 */
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const targets = (job.urls ?? [job.url]).map((url) => new URL(url));
const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: job.concurrency }));

function send(r, connection) {
  const target = targets[connection % targets.length];
  const agent = agents[connection % agents.length];
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      { host: target.hostname, port: target.port, method: r.method, path: r.path, headers: r.headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(r.body ?? undefined);
  });
}

const latencies = [];
const statuses = {};
let next = 0;
let ops = 0;
const cpuAtStart = process.cpuUsage();
const started = performance.now();
const until = started + job.seconds * 1000;
await Promise.all(
  Array.from({ length: job.concurrency }, async (_, connection) => {
    while (performance.now() < until && (job.once !== true || next < job.requests.length)) {
      const r = job.requests[next++ % job.requests.length];
      const { status, ms } = await send(r, connection);
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(ms);
      ops++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({ ops, seconds, p50: at(0.5), p99: at(0.99), statuses, cpuMicros: cpu.user + cpu.system }),
);
for (const agent of agents) agent.destroy();
