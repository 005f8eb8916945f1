import type { CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import Koa from 'koa';
import { koaBody } from 'koa-body';

export function notifyApp(wxpay: WechatPay, handle: (event: CatalogueNotificationEvent) => Promise<void>) {
  const app = new Koa();
  // koa-body 8 keeps the raw text in ctx.request.rawBody when includeUnparsed is set.
  app.use(koaBody({ includeUnparsed: true }));
  app.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/wxpay/notify') return next();
    try {
      const event = await wxpay.notifications.parse({ headers: ctx.headers, body: ctx.request.rawBody });
      await handle(event); // dedupe on event.id: deliveries repeat
      const ok = wxpay.notifications.successReply();
      ctx.status = ok.status;
      ctx.body = ok.body;
    } catch (error) {
      const fail = wxpay.notifications.failureReply(error);
      ctx.status = fail.status;
      ctx.set(fail.headers);
      ctx.body = fail.body;
    }
  });
  return app;
}
