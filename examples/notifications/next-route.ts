import type { CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';

// app/wxpay/notify/route.ts: export const POST = notifyRoute(wxpay, handle);
export function notifyRoute(wxpay: WechatPay, handle: (event: CatalogueNotificationEvent) => Promise<void>) {
  return async function POST(request: Request): Promise<Response> {
    try {
      const event = await wxpay.notifications.parse({ headers: request.headers, body: await request.text() });
      await handle(event); // dedupe on event.id: deliveries repeat
      const ok = wxpay.notifications.successReply();
      return new Response(ok.body, { status: ok.status, headers: ok.headers });
    } catch (error) {
      const fail = wxpay.notifications.failureReply(error);
      return new Response(fail.body, { status: fail.status, headers: fail.headers });
    }
  };
}
