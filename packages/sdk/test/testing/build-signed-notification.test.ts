import { createPublicKey } from 'node:crypto';
import { openNotification, PlatformKeyring } from '@wxpay-kit/sdk/protocol';
import { buildSignedNotification, formatChinaTime } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';
import { officialKey } from '../protocol/fixtures.js';

const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const keyring = new PlatformKeyring({ publicKey: { id: PUB_KEY_ID, key: createPublicKey(officialKey) } });
const apiV3Key = '0123456789abcdef0123456789ABCDEF';
const resource = { out_bill_no: 'plfk2020042013', state: 'SUCCESS', user_recv_perception: '现金奖励' };

describe('buildSignedNotification', () => {
  it('produces a body and headers that openNotification accepts', async () => {
    const { headers, body } = await buildSignedNotification({
      eventType: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource,
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      apiV3Key,
      privateKey: officialKey,
      serial: PUB_KEY_ID,
      timestamp: 1_700_000_000,
    });
    expect(headers['Content-Type']).toBe('application/json');
    const opened = await openNotification({ headers, body, keyring, apiV3Key, now: 1_700_000_000 });
    expect(opened.resource).toEqual(resource);
    expect(opened.envelope).toMatchObject({
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      create_time: '2023-11-15T06:13:20+08:00',
      resource_type: 'encrypt-resource',
      summary: '商家转账单据终态通知',
    });
    expect(opened.envelope.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses the given id, create time and nonces', async () => {
    const { headers, body } = await buildSignedNotification({
      id: 'EV-1',
      createTime: '2015-05-20T13:29:35+08:00',
      eventType: 'RECHARGE.SUCCESS',
      resource,
      originalType: 'recharge',
      associatedData: 'recharge',
      apiV3Key,
      privateKey: officialKey,
      serial: PUB_KEY_ID,
      nonce: 'N'.repeat(32),
      resourceNonce: 'fPqxLQRZmjVn',
    });
    const envelope = JSON.parse(body) as { id: string; create_time: string; resource: { nonce: string } };
    expect(envelope.id).toBe('EV-1');
    expect(envelope.create_time).toBe('2015-05-20T13:29:35+08:00');
    expect(envelope.resource.nonce).toBe('fPqxLQRZmjVn');
    expect(headers['Wechatpay-Nonce']).toBe('N'.repeat(32));
  });
});

describe('formatChinaTime', () => {
  it('writes Unix seconds as RFC 3339 in +08:00', () => {
    expect(formatChinaTime(0)).toBe('1970-01-01T08:00:00+08:00');
    expect(formatChinaTime(1_432_099_775)).toBe('2015-05-20T13:29:35+08:00');
  });
});
