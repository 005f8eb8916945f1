import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The load generator, run as its own process so that the emulator has the benchmark's cores to itself apart from
 * this: it sends pre-signed requests (no RSA here while measuring) over keep-alive connections and does not verify
 * the answers. Input: a JSON file { url, requests: [{ method, path, headers, body }], concurrency, seconds }, or
 * `urls` instead of `url` to spread the connections over several servers (connection i goes to urls[i % n]).
 * Output (stdout): { ops, seconds, p50, p99, statuses, cpuMicros } where cpuMicros is this process's own
 * user+system CPU over the measured window, so the benchmark can tell what the generator took from the cores.
 *
 * Like wrk, it writes each request as bytes built before the clock starts, on raw keep-alive sockets, one request
 * in flight per connection (no pipelining), and reads back only the status line and the framing of the answer.
 * node:http's client cost 80–110 µs of CPU per request on a 2-core machine: a quarter of the CPU the server
 * being measured needs, taken from the same two cores. This costs a fraction of that.
 */
const job = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const targets = (job.urls ?? [job.url]).map((url) => new URL(url));

/** The request as it goes on the wire, once per target (the Host header names it). */
function wireBytes(r, target) {
  const body = r.body === undefined || r.body === null ? Buffer.alloc(0) : Buffer.from(r.body);
  const headers = { host: target.host, ...r.headers };
  if (body.length > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(r.method))
    headers['content-length'] = String(body.length);
  let head = `${r.method} ${r.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}
const wire = targets.map((target) => job.requests.map((r) => wireBytes(r, target)));

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/**
 * Where the answer at the start of `data` ends, and its status; null while incomplete. Answers are framed by
 * Content-Length, by chunked encoding, or have no body (204, 304).
 */
function parseAnswer(data) {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return null;
  const head = data.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const bodyStart = headerEnd + 4;
  if (status === 204 || status === 304) return { status, end: bodyStart };
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return data.length >= end ? { status, end } : null;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = data.indexOf(CHUNKED_END, bodyStart);
    return last < 0 ? null : { status, end: last + CHUNKED_END.length };
  }
  return null;
}

/** One keep-alive connection: `send` resolves with the status of the answer (0 when the connection failed). */
function connection(target) {
  let socket;
  let buffered = Buffer.alloc(0);
  let waiting = null;
  const fail = () => {
    socket = undefined;
    buffered = Buffer.alloc(0);
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve(0);
    }
  };
  const open = () => {
    socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
    socket.on('data', (chunk) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const answer = parseAnswer(buffered);
      if (!answer || !waiting) return;
      buffered = buffered.subarray(answer.end);
      const resolve = waiting;
      waiting = null;
      resolve(answer.status);
    });
    socket.on('error', fail);
    socket.on('close', fail);
  };
  return {
    send(bytes) {
      if (!socket) open();
      return new Promise((resolve) => {
        waiting = resolve;
        socket.write(bytes);
      });
    },
    close: () => socket?.destroy(),
  };
}

const latencies = [];
const statuses = {};
let next = 0;
let ops = 0;
const connections = Array.from({ length: job.concurrency }, (_, i) => ({
  target: i % targets.length,
  link: connection(targets[i % targets.length]),
}));
const cpuAtStart = process.cpuUsage();
const started = performance.now();
const until = started + job.seconds * 1000;
await Promise.all(
  connections.map(async ({ target, link }) => {
    while (performance.now() < until && (job.once !== true || next < job.requests.length)) {
      const bytes = wire[target][next++ % job.requests.length];
      const sent = performance.now();
      const status = await link.send(bytes);
      statuses[status] = (statuses[status] ?? 0) + 1;
      latencies.push(performance.now() - sent);
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
for (const { link } of connections) link.close();
