import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time per thread of a process and CPU states of the whole machine, from /proc (Linux). What
 * process.cpuUsage() sums up, taken apart: the event loop (main thread), the thread pool and V8's helpers; and
 * whether the machine had cores idle while a load ran.
 */

/**
 * { tid: CPU µs so far } for every thread of a process (this one by default), from each thread's schedstat
 * (nanoseconds on the CPU). A thread that ends between the listing and the read is left out.
 */
export function threadCpu(pid = 'self') {
  const out = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out[tid] = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** CPU µs so far of every thread of a process together. */
export function processCpuMicros(pid) {
  return Object.values(threadCpu(pid)).reduce((sum, micros) => sum + micros, 0);
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
  const coresIn = (i) => Math.round((used[i] / total) * cores * 100) / 100;
  return { user: coresIn(0), nice: coresIn(1), system: coresIn(2), idle: coresIn(3), softirq: coresIn(6) };
}
