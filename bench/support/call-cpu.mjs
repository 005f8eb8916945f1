import { sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SAMPLE_MESSAGE } from './machine.mjs';
import { measureAsync } from './measure.mjs';

/**
 * CPU per call, as peer-calls and call-overhead read it: this whole process's user + system time (main thread
 * and thread pool) over the calls made, and the floor any correct client pays, one RSA sign plus one verify.
 */

/**
 * CPU microseconds of one sync RSA-2048 sign plus one verify, read from process.cpuUsage like the calls,
 * so that a loaded machine (where wall time per operation grows) does not inflate the floor.
 */
export function signVerifyCpuMicros(keys, seconds = 1) {
  const run = () =>
    verify('sha256', SAMPLE_MESSAGE, keys.publicKey, sign('sha256', SAMPLE_MESSAGE, keys.privateKey));
  for (let i = 0; i < 20; i++) run();
  const before = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  let ops = 0;
  do {
    run();
    ops++;
  } while (performance.now() < end);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / ops;
}

/** measureAsync plus the CPU this whole process (main thread and thread pool) spent during the measurement. */
export async function measureWithCpu(fn, options) {
  const before = process.cpuUsage();
  const result = await measureAsync(fn, { ...options, warmup: false });
  const cpu = process.cpuUsage(before);
  return { ...result, cpuMicros: cpu.user + cpu.system, systemMicros: cpu.system };
}
