import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CatalogueNotificationEvent, NotificationReply, WechatPay } from '@wxpay-kit/sdk';
import type { RedisNotificationClaims } from '../../src/index.js';

/**
 * A notification endpoint that books each event once across the fleet (the README shows this code).
 * Any pod may receive any delivery; the claim in Redis decides which one books.
 */
export function createNotificationHandler(options: {
  wxpay: WechatPay;
  claims: RedisNotificationClaims;
  /** Your booking: runs at most once per notification id unless it throws. */
  book: (event: CatalogueNotificationEvent) => Promise<unknown>;
}) {
  const { wxpay, claims, book } = options;
  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let reply: NotificationReply;
    try {
      // Verify and decrypt first: a forged delivery must not even claim an id.
      const event = await wxpay.notifications.parse({
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const outcome = await claims.runOnce(event, () => book(event));
      reply =
        outcome.status === 'in-progress'
          ? // Another pod is booking it right now: ask WeChat Pay to come back later, when it will hear `done`.
            wxpay.notifications.failureReply('still being processed')
          : wxpay.notifications.successReply(); // 'ran' here, or 'done' earlier
    } catch (error) {
      // Bad signature, the booking failed (recorded: the redelivery retries), or Redis unavailable (fail closed).
      reply = wxpay.notifications.failureReply(error instanceof Error ? error.message : 'failed');
    }
    response.writeHead(reply.status, reply.headers).end(reply.body);
  };
}
