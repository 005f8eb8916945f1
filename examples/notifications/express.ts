import type { CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import express from 'express';

export function notifyApp(wxpay: WechatPay, handle: (event: CatalogueNotificationEvent) => Promise<void>) {
  const app = express();
  // express.raw keeps the exact bytes: the signature covers them, not a re-serialised object.
  app.post('/wxpay/notify', express.raw({ type: 'application/json' }), async (req, res) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : undefined; // no Buffer: not application/json
      const event = await wxpay.notifications.parse({ headers: req.headers, body });
      await handle(event); // dedupe on event.id: deliveries repeat
      const ok = wxpay.notifications.successReply();
      res.status(ok.status).set(ok.headers).send(ok.body);
    } catch (error) {
      // 401 for a failed verification, 500 otherwise; {"code":"FAIL","message":"失败"}; WeChat Pay retries.
      const fail = wxpay.notifications.failureReply(error);
      res.status(fail.status).set(fail.headers).send(fail.body);
    }
  });
  return app;
}
