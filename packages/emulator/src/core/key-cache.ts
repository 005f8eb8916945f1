import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type Credentials, generateCredentials, load, MANIFEST, store } from './credentials.js';

/** How long a start waits for another process to fill the cache before it generates keys of its own. */
const WAIT_MS = 30_000;
/** A lock older than this is stale whoever holds it: filling the cache takes about a second. */
export const STALE_LOCK_MS = 30_000;
const POLL_MS = 50;

/** The opt-in cache of dev keys for `:memory:` emulators: `os.tmpdir()/wxpay-kit-emulator-dev-keys`. */
export function defaultKeyCacheDir(): string {
  return join(tmpdir(), 'wxpay-kit-emulator-dev-keys');
}

/**
 * Credentials for a `:memory:` emulator from a cache directory outside the project, generated once: generating four
 * RSA key pairs is most of a fresh emulator's start, and a test suite that starts one per file pays it every time.
 * Opt-in (the credentials are then the same on every start).
 *
 * Processes starting at once agree through a lock file `<directory>.lock` holding the holder's pid and host: one
 * generates, the others wait for the set. A lock whose process is gone (killed while generating) or older than
 * STALE_LOCK_MS is removed and taken over, so it never holds a start up. The set is written aside and renamed into
 * place in one step, so a start never reads half a set, even when two processes took the lock (one judged stale).
 * After WAIT_MS of waiting on a live holder, a start generates its own keys, in memory.
 */
export async function cachedDevCredentials(directory: string, now = Date.now()): Promise<Credentials> {
  const manifest = join(directory, MANIFEST);
  if (existsSync(manifest)) return load(directory);
  mkdirSync(dirname(directory), { recursive: true });
  const lock = `${directory}.lock`;
  const giveUpAt = Date.now() + WAIT_MS;
  for (;;) {
    const fd = takeLock(lock);
    if (fd !== undefined) {
      try {
        if (existsSync(manifest)) return load(directory);
        return fill(directory, await generateCredentials(now));
      } finally {
        closeSync(fd);
        rmSync(lock, { force: true });
      }
    }
    if (existsSync(manifest)) return load(directory);
    if (lockIsStale(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() >= giveUpAt) return generateCredentials(now);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The lock's file descriptor, or undefined when another process holds it. */
function takeLock(lock: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  writeSync(fd, `${process.pid} ${hostname()}\n`);
  return fd;
}

/**
 * A lock is stale when its process no longer runs on this host, or when it is older than STALE_LOCK_MS (a pid
 * reused by another process, a holder on another host). A lock just created and not yet written is not.
 */
export function lockIsStale(lock: string, nowMs = Date.now()): boolean {
  let text: string;
  let modifiedMs: number;
  try {
    text = readFileSync(lock, 'utf8');
    modifiedMs = statSync(lock).mtimeMs;
  } catch (error) {
    // Gone meanwhile: nothing to wait for.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  if (nowMs - modifiedMs > STALE_LOCK_MS) return true;
  const [pid, host] = text.trim().split(' ');
  return host === hostname() && /^\d+$/.test(pid ?? '') && !isRunning(Number(pid));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes the set beside the cache directory and renames it into place. Only the lock holder gets here; a directory
 * without a manifest there is left over from an older version killed while writing, and is replaced, and so are
 * sets written aside by processes that died before renaming theirs.
 */
function fill(directory: string, credentials: Credentials): Credentials {
  const aside = `${directory}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  removeAbandonedSets(directory);
  const stored = store(credentials, directory, aside);
  try {
    if (existsSync(directory) && !existsSync(join(directory, MANIFEST)))
      rmSync(directory, { recursive: true, force: true });
    renameSync(aside, directory);
    return stored;
  } catch (error) {
    rmSync(aside, { recursive: true, force: true });
    // Another process (that took a lock it judged stale) was first: its set is as good.
    if (existsSync(join(directory, MANIFEST))) return load(directory);
    throw new Error(
      `emulator key cache: cannot move the new keys into ${directory} (${(error as Error).message}); delete it and start again`,
    );
  }
}

function removeAbandonedSets(directory: string): void {
  const prefix = `${basename(directory)}.partial-`;
  for (const name of readdirSync(dirname(directory))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isSafeInteger(pid) && !isRunning(pid))
      rmSync(join(dirname(directory), name), { recursive: true, force: true });
  }
}
