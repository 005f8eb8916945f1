import { readdirSync, readFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of libuv's thread pool below the event loop's (Linux; elsewhere nothing changes).
 *
 * Why: an emulator answer passes the event loop twice around one RSA signature on the pool. Under load on a small
 * machine, the pool's threads (four by default) outnumber the loop on the cores and run at its priority, so the
 * loop gets a fraction of a core; the pool then drains, and the cores idle while the loop catches up. Measured on
 * 2 cores at concurrency 32 (bench/emulator-load.mjs): 0.3–0.4 of the cores idle; with the pool at nice 10,
 * 0.04–0.1, and reads 1.1× and writes 1.1–1.3× faster. The loop, the one serial stage, then runs whenever it has
 * work, and the pool uses every cycle it leaves; with nothing else to run, a niced thread runs at full speed.
 * Signing stays off the event loop.
 *
 * It applies to the whole process's pool and cannot be undone without privileges (an unprivileged thread may only
 * raise its nice value), so the emulator's own process does it (the CLI) and startEmulator only when asked.
 */

/** Nice value for the pool: the loop's CFS weight (nice 0: 1024) is then about nine times a pool thread's (110). */
export const POOL_THREAD_NICE = 10;

/** The pool's size as libuv reads it at its start: UV_THREADPOOL_SIZE, else 4 (libuv clamps it to 1…1024). */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

/** Pool threads named by libuv (1.50 and later call them `libuv-worker`); none on older versions. */
function namedPoolThreads(): number[] {
  try {
    return readdirSync('/proc/self/task')
      .filter((tid) => readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === 'libuv-worker')
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The thread ids of the pool's threads. Where libuv does not name them, each is asked who it is: an async
 * readlink of /proc/thread-self runs on a pool thread and names that thread. Many at once, round after round,
 * until every thread has answered or `withinMs` has passed (a thread descheduled that long on a busy machine is
 * left as it is: only speed is at stake).
 */
export async function threadPoolIds(size = threadPoolSize(), withinMs = 500): Promise<number[]> {
  const seen = new Set<number>(namedPoolThreads());
  const until = Date.now() + withinMs;
  while (seen.size < size && Date.now() < until) {
    const links = await Promise.all(
      Array.from({ length: size * 8 }, () => readlink('/proc/thread-self').catch(() => null)),
    );
    for (const link of links) {
      const tid = Number(link?.split('/').pop());
      if (Number.isSafeInteger(tid) && tid > 0 && tid !== process.pid) seen.add(tid);
    }
    // No /proc/thread-self (not Linux, or /proc not mounted): nothing to find.
    if (seen.size === 0) break;
  }
  return [...seen];
}

/** Lowers each pool thread to `nice` (never raises one that is already lower); the ids it lowered or found there. */
export async function lowerThreadPoolPriority(nice = POOL_THREAD_NICE): Promise<number[]> {
  const done: number[] = [];
  for (const tid of await threadPoolIds()) {
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
      done.push(tid);
    } catch {
      // The thread is gone, or the system refuses: it keeps its priority, and only speed is at stake.
    }
  }
  return done;
}
