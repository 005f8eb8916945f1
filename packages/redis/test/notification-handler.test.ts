import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CatalogueNotificationEvent, WechatPay } from '@wxpay-kit/sdk';
import { transferBillNotification } from '@wxpay-kit/sdk/catalogue';
import { buildSignedNotification, generateTestMerchant, type TestMerchant } from '@wxpay-kit/sdk/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { RedisNotificationClaims } from '../src/index.js';
import { createNotificationHandler } from './examples/notification-handler.js';
import { connectClient, describeWithRedis, RedisServer } from './support/redis-server.js';

const PUBLIC_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';

describeWithRedis('a notification handler on two pods sharing Redis (the README example)', () => {
  let server: RedisServer;
  let merchant: TestMerchant;
  let platform: TestMerchant;
  const pods: Array<{ http: Server; url: string; close: () => void }> = [];
  const ledger: string[] = [];
  let failNextBooking = false;

  beforeAll(async () => {
    server = await RedisServer.start();
    [merchant, platform] = await Promise.all([generateTestMerchant(), generateTestMerchant()]);
    for (let i = 0; i < 2; i++) {
      // Each pod: its own SDK client, its own Redis connection, its own HTTP server.
      const { client } = await connectClient(server.url);
      const wxpay = new WechatPay({
        mchid: merchant.mchid,
        serialNo: merchant.serialNo,
        privateKey: merchant.privateKey,
        apiV3Key: merchant.apiV3Key,
        wechatpayPublicKey: { id: PUBLIC_KEY_ID, key: platform.publicKey },
      });
      const book = async (event: CatalogueNotificationEvent) => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (failNextBooking) {
          failNextBooking = false;
          throw new Error('ledger offline');
        }
        ledger.push(event.id);
        return { booked: event.id };
      };
      const handler = createNotificationHandler({
        wxpay,
        claims: new RedisNotificationClaims({ client }),
        book,
      });
      const http = createServer((request, response) => void handler(request, response));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/notify`;
      pods.push({ http, url, close: () => client.destroy() });
    }
  });
  afterAll(async () => {
    for (const pod of pods) {
      pod.close();
      await new Promise((resolve) => pod.http.close(resolve));
    }
    await server?.stop();
  });
  beforeEach(() => {
    ledger.length = 0;
  });

  async function notification(id: string) {
    return buildSignedNotification({
      id,
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      originalType: transferBillNotification.originalType,
      associatedData: transferBillNotification.associatedData,
      resource: { out_bill_no: `B-${id}`, transfer_bill_no: `T-${id}`, state: 'SUCCESS' },
      apiV3Key: merchant.apiV3Key,
      privateKey: platform.privateKey,
      serial: PUBLIC_KEY_ID,
    });
  }

  const deliver = async (url: string, delivery: { headers: Record<string, string>; body: string }) =>
    (await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body })).status;

  it('the same notification on both pods at once books once; a later redelivery hears done', async () => {
    const delivery = await notification('EV-SAME');
    const statuses = await Promise.all(pods.map((pod) => deliver(pod.url, delivery)));
    expect(ledger).toEqual(['EV-SAME']);
    // The pod that booked answers 200; the other one 500 while the first still runs (WeChat Pay retries).
    expect(statuses).toContain(200);
    expect(await deliver(pods[1]!.url, delivery)).toBe(200);
    expect(await deliver(pods[0]!.url, delivery)).toBe(200);
    expect(ledger).toEqual(['EV-SAME']);
  });

  it('a failed booking answers 500; the redelivery (on the other pod) books it', async () => {
    const delivery = await notification('EV-RETRY');
    failNextBooking = true;
    expect(await deliver(pods[0]!.url, delivery)).toBe(500);
    expect(ledger).toEqual([]);
    expect(await deliver(pods[1]!.url, delivery)).toBe(200);
    expect(ledger).toEqual(['EV-RETRY']);
  });

  it('a forged delivery claims nothing', async () => {
    const delivery = await notification('EV-FORGED');
    const forged = { ...delivery, body: delivery.body.replace('EV-FORGED', 'EV-FORGEX') };
    expect(await deliver(pods[0]!.url, forged)).toBe(500);
    expect(await deliver(pods[0]!.url, delivery)).toBe(200);
    expect(ledger).toEqual(['EV-FORGED']);
  });
});
