import {
  connectEmulator,
  createControlClient,
  EmulatorControlError,
  type RunningEmulator,
  startEmulator,
} from '@wxpay-kit/emulator';
import { WechatPay, WechatPayApiError } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transferBillInput } from '../support/transfer-bill-input.js';

// The typed control client against a real emulator over HTTP: in-process (`emulator.control`) and from "another
// process" (`connectEmulator(url)`), with the merchant inferred, the clock reset, and an open control API.

let emulator: RunningEmulator;
let sp: WechatPay;
beforeAll(async () => {
  emulator = await startEmulator({ clock: { mode: 'manual', start: '2030-01-01T08:00:00+08:00' } });
  sp = new WechatPay({ ...emulator.clientOptions('serviceProvider'), retry: false });
});
afterAll(() => emulator.close());

const createBill = (out_bill_no: string) => sp.transferBills.create(transferBillInput(out_bill_no));

describe('emulator.control', () => {
  it('plays a family action with the merchant inferred, and the SDK sees the change', async () => {
    await createBill('CTRL1'); // ACCEPTED: WeChat Pay may still fail it
    const failed = await emulator.control.transferBills.fail({
      out_bill_no: 'CTRL1',
      fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
    });
    expect(failed.state).toBe('FAIL');
    const bill = await sp.transferBills.get({ out_bill_no: 'CTRL1', sub_mchid: '1900000211' });
    expect(bill).toMatchObject({ state: 'FAIL', fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
  });

  it('answers a refused action with EmulatorControlError carrying the route’s code and message', async () => {
    const error = await emulator.control.transferBills.succeed({ out_bill_no: 'NOPE' }).catch((e) => e);
    expect(error).toBeInstanceOf(EmulatorControlError);
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(error.message).toContain('/transfer-bills/1230000109/NOPE/succeed');
  });

  it('faults, requests and notifications', async () => {
    const rule = await emulator.control.faults.add({
      operation: 'transferBills.get',
      status: 500,
      code: 'SYSTEM_ERROR',
    });
    expect(rule).toMatchObject({ remaining: 1 });
    const error = await sp.transferBills
      .get({ out_bill_no: 'CTRL1', sub_mchid: '1900000211' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(await emulator.control.faults.list()).toEqual([]);

    const [last] = await emulator.control.requests.list({ operation: 'transferBills.get', status: '5xx' });
    expect(last).toMatchObject({ status: 500, code: 'SYSTEM_ERROR', mchid: '1230000109' });
    expect(last!.requestId).toBe(error.requestId);
    const full = await emulator.control.requests.get(last!.requestId);
    expect(full.response.body).toContain('SYSTEM_ERROR');

    expect(await emulator.control.notifications.list({ mchid: '1230000109' })).toEqual(expect.any(Array));
  });

  it('reset({ clock: true }) forgets everything and undoes every advance', async () => {
    const advanced = await emulator.control.clock.advance({ seconds: 86_400 });
    const reset = await emulator.control.reset({ clock: '2030-01-01T08:00:00+08:00' });
    expect(reset.deleted.transfer_bills).toBeGreaterThan(0);
    expect(reset.clock.time).toBe('2030-01-01T08:00:00+08:00');
    expect((await emulator.control.clock.get()).now).toBe(advanced.now - 86_400_000);
    expect(await emulator.control.resources.list('transfer-bills')).toEqual([]);
    expect(await emulator.control.requests.list()).toEqual([]);
    // Time moves forward again from there.
    expect((await emulator.control.clock.advance({ seconds: 1 })).time).toBe('2030-01-01T08:00:01+08:00');

    const wall = await emulator.control.reset({ clock: true });
    expect(Math.abs(wall.clock.now - Date.now())).toBeLessThan(60_000);
    await expect(emulator.control.reset({ clock: 'yesterday' })).rejects.toThrow(/RFC 3339/);
  });

  it('needs the merchant where it cannot be inferred', async () => {
    const actions = (await emulator.control.actions()).map(({ defaultMchid: _, ...action }) => action);
    const client = createControlClient({ url: emulator.url, actions });
    await expect(client.transferBills.fail({ out_bill_no: 'X' })).rejects.toThrow(
      /mchid is required \(the merchant cannot be inferred/,
    );
  });
});

describe('connectEmulator', () => {
  it('drives an emulator by URL alone, with the same typed client', async () => {
    const control = await connectEmulator(emulator.url);
    await createBill('CTRL2');
    await control.clock.advance({ seconds: 60 });
    expect((await control.transferBills.confirm({ out_bill_no: 'CTRL2' })).state).toBe('TRANSFERING');
    const options = await control.merchants.clientOptions('serviceProvider');
    expect(options.mchid).toBe('1230000109');
  });

  it('says when nothing answers', async () => {
    await expect(connectEmulator('http://127.0.0.1:9')).rejects.toThrow(
      /no emulator answers at http:\/\/127.0.0.1:9/,
    );
  });

  it('an open control API takes the printed token, and refuses a client without it', async () => {
    const open = await startEmulator({ controlApi: 'open' });
    try {
      expect(open.controlToken).toMatch(/^[\w-]{32}$/);
      await expect(connectEmulator(open.url)).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      const control = await connectEmulator(open.url, { token: open.controlToken! });
      expect((await control.clock.get()).mode).toBe('real');
      expect(await open.control.faults.list()).toEqual([]); // emulator.control carries the token itself
    } finally {
      await open.close();
    }
  });
});
