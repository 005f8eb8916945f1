import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POOL_THREAD_NICE, threadPoolSize } from '../../src/core/thread-pool-priority.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = join(root, 'packages/sdk/scripts/register-ts.mjs');
const fixture = fileURLToPath(new URL('./fixtures/lower-pool-priority.ts', import.meta.url));

interface Found {
  size: number;
  pid: number;
  lowered: number[];
  priorities: number[];
  mainPriority: number;
  poolTicks: number;
  mainTicks: number;
}

async function lowerInChild(poolSize: string): Promise<Found> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=wxpay-kit-source', '--import', loader, fixture],
    { cwd: root, env: { ...process.env, UV_THREADPOOL_SIZE: poolSize } },
  );
  return JSON.parse(stdout) as Found;
}

describe('the thread pool yields to the event loop', () => {
  it('reads the pool size as libuv does', () => {
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '2' })).toBe(2);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: 'many' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '0' })).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
  });

  it.each(['4', '2'])(
    'finds every pool thread (UV_THREADPOOL_SIZE=%s), lowers each, and leaves the event loop as it was',
    async (size) => {
      const found = await lowerInChild(size);
      expect(found.size).toBe(Number(size));
      expect(new Set(found.lowered).size).toBe(Number(size));
      expect(found.lowered).not.toContain(found.pid);
      expect(found.priorities).toEqual(found.lowered.map(() => POOL_THREAD_NICE));
      expect(found.mainPriority).toBe(0);
      // They are the pool: pool-only work (async pbkdf2, 35 ms of CPU each, two per thread) ran on them.
      expect(found.poolTicks).toBeGreaterThan(5);
    },
  );
});
