import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';

/** The `redis-server` on PATH (Debian's package installs it in /usr/bin), or undefined. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

const binary = findRedisServer();
if (!binary) {
  const hint = 'install it (Debian: apt-get install -y redis-server; .ci/run does this)';
  if (process.env.CI) {
    // CI must never skip: a missing server there is a broken pipeline, not a reason to pass.
    throw new Error(`@wxpay-kit/redis tests: CI is set but no redis-server binary is on PATH; ${hint}`);
  }
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPING @wxpay-kit/redis tests: no redis-server binary on PATH.\n!! To run them, ${hint}.\n${'!'.repeat(78)}\n`,
  );
}

/** `describe` when a redis-server can be started here, else `describe.skip` (after the loud warning above). */
export const describeWithRedis = binary ? describe : describe.skip;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A throw-away redis-server on loopback: no persistence, its own temp dir, killed by `stop()`. */
export class RedisServer {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #dir: string;

  private constructor(port: number, child: ChildProcess, dir: string) {
    this.port = port;
    this.#child = child;
    this.#dir = dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts on a free port (or `port`, to bring a stopped server back at the same address). */
  static async start(port?: number): Promise<RedisServer> {
    if (!binary) throw new Error('no redis-server binary on PATH');
    for (let attempt = 1; ; attempt++) {
      const chosen = port ?? (await freePort());
      const dir = mkdtempSync(join(tmpdir(), 'wxpay-redis-'));
      const child = spawn(
        binary,
        ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const ready = await new Promise<boolean>((resolve) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ready to accept connections')) resolve(true);
        };
        child.stdout?.on('data', onData);
        child.once('exit', () => resolve(false));
        setTimeout(() => resolve(false), 20_000).unref();
      });
      child.stdout?.resume();
      child.stderr?.resume();
      if (ready) {
        const server = new RedisServer(chosen, child, dir);
        killOnExit.add(server);
        return server;
      }
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      // Another process took the free port between our probe and the server's bind: try another.
      if (port !== undefined || attempt >= 3) throw new Error(`redis-server did not start on port ${chosen}`);
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, like a stalled host. */
  pause(): void {
    this.#child.kill('SIGSTOP');
  }

  resume(): void {
    this.#child.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    killOnExit.delete(this);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

const killOnExit = new Set<RedisServer>();
process.once('exit', () => {
  for (const server of killOnExit) void server.stop();
});

/** A connected node-redis client whose errors (expected when a test stops the server) are collected, not thrown. */
export async function connectClient(url: string) {
  const errors: Error[] = [];
  const client = createClient({
    url,
    // Reconnect quickly so a test that brings the server back does not wait seconds.
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) },
  });
  client.on('error', (error: Error) => errors.push(error));
  await client.connect();
  return { client, errors };
}

/** After the server was stopped: node-redis notices the closed socket and starts reconnecting (not ready). */
export async function waitForDisconnect(client: { isReady: boolean }): Promise<void> {
  for (let i = 0; i < 500 && client.isReady; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (client.isReady) throw new Error('the client still looks connected 5 s after the server stopped');
}

/** After the server came back: node-redis reconnects on its own. */
export async function waitForReady(client: { isReady: boolean }): Promise<void> {
  for (let i = 0; i < 500 && !client.isReady; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!client.isReady) throw new Error('the client did not reconnect within 10 s of the server coming back');
}

/**
 * A redis-server and a connected client for the tests of one file: one server for the whole file, flushed
 * before each test (`'file'`), or a fresh server per test (`'test'`, for tests that stop or pause it).
 * Read `redis.server` / `redis.client` inside tests and hooks; a test may replace `server` after a restart.
 */
export function useRedis(scope: 'file' | 'test' = 'file') {
  const redis = {} as { server: RedisServer } & Awaited<ReturnType<typeof connectClient>>;
  const setUp = async () => {
    redis.server = await RedisServer.start();
    Object.assign(redis, await connectClient(redis.server.url));
  };
  const tearDown = async () => {
    redis.server?.resume();
    redis.client?.destroy();
    await redis.server?.stop();
  };
  if (scope === 'file') {
    beforeAll(setUp);
    afterAll(tearDown);
    beforeEach(async () => {
      await redis.client.flushAll();
    });
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  return redis;
}
