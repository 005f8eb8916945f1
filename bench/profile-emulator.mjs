import { parseArgs } from 'node:util';
import { startEmulator } from '@wxpay-kit/emulator';
import { loadPublicKey } from '@wxpay-kit/sdk/protocol';
import { APPLY_PATH, getPath, loadGenerator, presign } from './emulator-load.mjs';
import { benchKeys, cores } from './support/machine.mjs';
import { applyInput, startNotifyReceiver } from './support/notify-receiver.mjs';
import { startRsaOnlyServer } from './support/rsa-only-server.mjs';
import { coresByState, cpuPerOperation, machineCpu, threadCpu } from './support/thread-cpu.mjs';

/**
 * One emulator-load case, taken apart (Linux): where the emulator's CPU per request goes by thread (event loop,
 * pool, V8 helpers) and whether the machine's cores were busy, for profiling the request path:
 *
 *   npm run build && node bench/profile-emulator.mjs --case read --pool-priority lowered [--data <dir>]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-emulator.mjs --case write
 *   node bench/support/summarize-profile.mjs /tmp/prof/CPU.*.cpuprofile
 *
 * Cases: `read` (authorizations.get), `write` (authorizations.apply, each new), `floor` (the same reads against
 * support/rsa-only-server.mjs, in this process). Lowering the pool's priority holds for the rest of the process.
 */

const { values } = parseArgs({
  options: {
    case: { type: 'string', default: 'read' },
    seconds: { type: 'string', default: '5' },
    'pool-priority': { type: 'string', default: 'lowered' },
    data: { type: 'string', default: ':memory:' },
  },
});
const which = values.case;
if (!['read', 'write', 'floor'].includes(which)) throw new Error('--case is read, write or floor');
const seconds = Number(values.seconds);
const WRITES_AT_MOST = 30_000;

const receiver = await startNotifyReceiver();
const emulator = await startEmulator({
  dataDir: values.data,
  rateLimits: false,
  lowerThreadPoolPriority: values['pool-priority'] === 'lowered',
});
const GET_NO = 'profileGet0001';
const apply = (no, openid) =>
  presign(
    emulator,
    'POST',
    APPLY_PATH,
    JSON.stringify({ ...applyInput(emulator, no, receiver.url), openid }),
  );
await loadGenerator(emulator.url, [await apply(GET_NO, 'o-profile')], { concurrency: 1, seconds: 0.05 });

let requests;
let target = emulator.url;
let floorServer;
if (which === 'write') {
  requests = [];
  for (let i = 0; i < WRITES_AT_MOST; i++) requests.push(await apply(`profileW${i}`, `o-profile-${i}`));
} else {
  requests = [await presign(emulator, 'GET', getPath(GET_NO))];
  if (which === 'floor') {
    const answer = await (
      await fetch(`${emulator.url}${requests[0].path}`, { headers: requests[0].headers })
    ).text();
    floorServer = await startRsaOnlyServer({
      merchantPublicKey: loadPublicKey(emulator.merchants.ordinary.certificatePem),
      platformPrivateKey: benchKeys().privateKey,
      body: answer,
    });
    target = floorServer.url;
  }
}
// Warm-up: writes use a first slice of their own, so the measured ones are all new too.
const warmUp = which === 'write' ? requests.splice(0, 3000) : requests;
await loadGenerator(target, warmUp, { seconds: 1.5, once: which === 'write' });

const cpuBefore = process.cpuUsage();
const threadsBefore = threadCpu();
const machineBefore = machineCpu();
const run = await loadGenerator(target, requests, { seconds, once: which === 'write' });
const cpu = process.cpuUsage(cpuBefore);
const perThread = cpuPerOperation(threadsBefore, threadCpu(), run.ops);
const machine = coresByState(machineBefore, machineCpu(), cores);

console.log(
  `${which}: ${Math.round(run.ops / run.seconds)} req/s, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms, answers ${JSON.stringify(run.statuses)}`,
);
console.log(`  server CPU per request   ${Math.round((cpu.user + cpu.system) / run.ops)} µs`);
console.log(`    event loop             ${perThread.loop} µs`);
console.log(`    busy threads           ${perThread.threads.join(', ')} µs (pool and V8 helpers)`);
console.log(`    other threads          ${perThread.others} µs`);
console.log(`  generator CPU / request  ${Math.round(run.cpuMicros / run.ops)} µs`);
console.log(`  machine (cores)          ${JSON.stringify(machine)}`);
floorServer?.close();
await emulator.close();
await receiver.close();
