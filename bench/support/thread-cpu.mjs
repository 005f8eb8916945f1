import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time per thread of this process and CPU states of the whole machine, from /proc (Linux). What
 * process.cpuUsage() sums up, taken apart: the event loop (main thread), the thread pool and V8's helpers; and
 * whether the machine had cores idle while a load ran.
 */

/** µs per clock tick: /proc reports CPU time in ticks of 1/100 s on Linux. */
const TICK_MICROS = 10_000;

/** { tid: CPU µs (user + system) } for every thread of this process. */
export function threadCpu() {
  const out = {};
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out[tid] = (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
  }
  return out;
}

/**
 * CPU µs per operation between two threadCpu() snapshots: `loop` (the main thread) and the other threads that
 * used at least a tenth of a second, one entry each (the pool's threads and V8's), the rest together as `others`.
 */
export function cpuPerOperation(before, after, operations) {
  const result = { loop: 0, threads: [], others: 0 };
  for (const [tid, micros] of Object.entries(after)) {
    const used = micros - (before[tid] ?? 0);
    if (tid === String(process.pid)) result.loop = used / operations;
    else if (used >= 100_000) result.threads.push(Math.round(used / operations));
    else result.others += used / operations;
  }
  result.loop = Math.round(result.loop);
  result.others = Math.round(result.others);
  result.threads.sort((a, b) => b - a);
  return result;
}

/** The machine's cumulative CPU states (/proc/stat, all cores together). */
export function machineCpu() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  return ticks.map(Number);
}

/** Cores spent in each state between two machineCpu() snapshots (user, nice, system, idle, softirq). */
export function coresByState(before, after, cores) {
  const used = after.map((value, i) => value - before[i]);
  const total = used.reduce((sum, value) => sum + value, 0) || 1;
  const cores$ = (i) => Math.round((used[i] / total) * cores * 100) / 100;
  return { user: cores$(0), nice: cores$(1), system: cores$(2), idle: cores$(3), softirq: cores$(6) };
}
