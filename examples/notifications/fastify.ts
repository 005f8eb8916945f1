import type { CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import type { FastifyInstance } from 'fastify';

export function notifyRoute(
  fastify: FastifyInstance,
  wxpay: WechatPay,
  handle: (event: CatalogueNotificationEvent) => Promise<void>,
) {
  // A scope of its own: only this route keeps JSON bodies as the raw string.
  return fastify.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/wxpay/notify', async (req, reply) => {
      try {
        const event = await wxpay.notifications.parse({ headers: req.headers, body: req.body as string });
        await handle(event); // dedupe on event.id: deliveries repeat
        const ok = wxpay.notifications.successReply();
        return reply.code(ok.status).headers(ok.headers).send(ok.body);
      } catch (error) {
        const fail = wxpay.notifications.failureReply(error); // never the verification message
        return reply.code(fail.status).headers(fail.headers).send(fail.body);
      }
    });
  });
}
