import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  /** Which merchant's endpoint was called (the last path segment). */
  endpoint: string;
  headers: IncomingHttpHeaders;
  /** Raw body bytes as received: what signature verification needs. */
  body: Buffer;
  /** The status this receiver answered. */
  answeredStatus: number;
}

/**
 * A merchant's notification endpoint on 127.0.0.1. Records every delivery raw; answers 200 unless told to fail
 * the next N deliveries (to exercise the emulator's retry schedule).
 */
export class NotificationReceiver {
  readonly deliveries: Delivery[] = [];
  private failures: number[] = [];
  private server: Server | undefined;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = this.failures.shift() ?? 200;
        this.deliveries.push({
          endpoint: (req.url ?? '').split('/').pop() ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          answeredStatus: status,
        });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status < 300 ? '' : '{"code":"FAIL","message":"失败"}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The notify URL for one merchant's endpoint, e.g. `url('platform')`. */
  url(endpoint: string): string {
    return `http://127.0.0.1:${this.port}/wxpay/notify/${endpoint}`;
  }

  /** Answer the next `count` deliveries with `status` instead of 200. */
  failNext(count: number, status = 500): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** Waits (real time, bounded) until `count` deliveries have arrived in total. */
  async waitForDeliveries(count: number, timeoutMs = 5_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveries.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} deliveries within ${timeoutMs} ms, got ${this.deliveries.length}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.deliveries;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
