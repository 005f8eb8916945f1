import type { NotificationEvent } from '@wxpay-kit/sdk';
import type { E2eHarness } from '../support/e2e-harness.js';
import type { Delivery } from '../support/notification-receiver.js';

// biome-ignore lint/suspicious/noExplicitAny: decrypted resources are checked field by field by the tests
export type ParsedDelivery = { delivery: Delivery; event: NotificationEvent<any> };

/**
 * The receiver's deliveries, each verified and decrypted by the SDK once. A delivery that does not verify or
 * decrypt fails the test at the point it is read.
 */
export class NotificationLog {
  readonly #h: E2eHarness;
  readonly #parsed = new Map<Delivery, Promise<ParsedDelivery>>();

  constructor(h: E2eHarness) {
    this.#h = h;
  }

  #parse(delivery: Delivery): Promise<ParsedDelivery> {
    let parsed = this.#parsed.get(delivery);
    if (!parsed) {
      parsed = this.#h.parse(delivery).then((event) => ({ delivery, event }));
      this.#parsed.set(delivery, parsed);
    }
    return parsed;
  }

  /** Every delivery so far that matches, oldest first. */
  async all(match: (event: ParsedDelivery['event']) => boolean): Promise<ParsedDelivery[]> {
    const parsed = await Promise.all(this.#h.receiver.deliveries.map((d) => this.#parse(d)));
    return parsed.filter((p) => match(p.event));
  }

  /** Waits (real time, bounded) until `count` matching deliveries have arrived; returns them. */
  async waitFor(
    match: (event: ParsedDelivery['event']) => boolean,
    count = 1,
    timeoutMs = 5_000,
  ): Promise<ParsedDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.all(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} matching notification(s) within ${timeoutMs} ms, got ${found.length}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Matches the notifications about one resource by event type and a field of the decrypted resource. */
export function about(eventType: string, field: string, value: string) {
  return (event: ParsedDelivery['event']) =>
    event.event_type === eventType && (event.resource as Record<string, unknown>)[field] === value;
}
