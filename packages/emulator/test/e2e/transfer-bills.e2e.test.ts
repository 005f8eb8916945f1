import { formatTime } from '@wxpay-kit/emulator';
import { type OperationInput, WechatPayApiError } from '@wxpay-kit/sdk';
import { loadPrivateKey, rsaOaepDecrypt } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import {
  apiErrorOf,
  controlOk,
  DAY,
  eventsFor,
  mark,
  ms,
  outboxFor,
  type ResourceList,
  resourceErrors,
  responseErrors,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';
import { recordingClient } from './support-a/recording-client.js';

// Every row of families/transfer-bills/machine.ts driven through the SDK as the service provider, the control
// API (the user and WeChat Pay) and the virtual clock.

/** Seconds of each automatic step (ACCEPTED → PROCESSING → WAIT_USER_CONFIRM, payout, finishing a cancel). */
const STEP = 5;
/** What every sub-merchant has available after a reset (store.ts DEFAULT_BALANCE). */
const DEFAULT_BALANCE = 100_000_000;

let h: E2eHarness;
let spMchid: string;
let sub: string;
let otherSub: string;
let foreignSub: string;

beforeAll(async () => {
  h = await startE2e({ clock: { mode: 'manual', start: START }, asyncStepMs: STEP * 1000 });
  spMchid = h.emulator.merchants.serviceProvider.mchid;
  [sub, otherSub] = h.emulator.merchants.serviceProvider.subMchids as [string, string];
  foreignSub = h.emulator.merchants.platform.subMchids[0]!;
});

afterAll(async () => {
  await h?.close();
});

// Balances and leftover timers of one test must not leak into the next one's arithmetic.
beforeEach(async () => {
  await controlOk(h, 'POST', '/reset');
});

const wxpay = () => h.sdk.serviceProvider;

type CreateInput = OperationInput<'transferBills.partnerCreate'>;

function createBody(overrides: Partial<CreateInput> = {}): CreateInput {
  return {
    sub_mchid: sub,
    appid: h.emulator.merchants.serviceProvider.appid,
    out_bill_no: uniqueNo('bill'),
    transfer_scene_id: '1000',
    openid: `o-${uniqueNo('user')}`,
    transfer_amount: 400,
    transfer_remark: '新会员开通有礼',
    notify_url: h.receiver.url('serviceProvider'),
    user_recv_perception: '现金奖励',
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
    ...overrides,
  };
}

async function created(overrides: Partial<CreateInput> = {}) {
  const body = createBody(overrides);
  const answer = await wxpay().transferBills.partnerCreate(body);
  return { body, no: body.out_bill_no, answer };
}

/** A bill the user can now confirm: created, then both automatic steps run. */
async function waitingForUser(overrides: Partial<CreateInput> = {}) {
  const bill = await created(overrides);
  await h.advance(2 * STEP);
  expect((await get(bill.no, bill.body.sub_mchid)).state).toBe('WAIT_USER_CONFIRM');
  return bill;
}

const get = (no: string, subMchid = sub) =>
  wxpay().transferBills.partnerGet({ out_bill_no: no, sub_mchid: subMchid });
const cancel = (no: string, subMchid = sub) =>
  wxpay().transferBills.partnerCancel({ out_bill_no: no, sub_mchid: subMchid });

type Verb = 'confirm' | 'succeed' | 'fail';
const act = (no: string, verb: Verb, body?: unknown) =>
  h.control('POST', `/transfer-bills/${spMchid}/${no}/${verb}`, body);

async function actOk(no: string, verb: Verb, body?: unknown) {
  const result = await act(no, verb, body);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}

/** A paying sub-merchant's balance in fen, as the control API reports it. */
interface Balance {
  sub_mchid: string;
  available: number;
  locked: number;
  /** Set by a top-up: the bills it funded. */
  funded_bills?: string[];
}

const balance = (subMchid = sub) => controlOk<Balance>(h, 'GET', `/transfer-bills/balances/${subMchid}`);
const setBalance = (amount: number, subMchid = sub) =>
  controlOk<Balance>(h, 'POST', `/transfer-bills/balances/${subMchid}`, { amount });

/** The FINISHED notifications of one bill, verified and decrypted by the SDK: [state, fail_reason] pairs. */
async function finished(since: number, no: string) {
  const events = await eventsFor(h, since, no);
  for (const event of events) expect(event.event_type).toBe('MCHTRANSFER.BILL.FINISHED');
  return events.map((e) => [e.resource['state'], e.resource['fail_reason']]);
}

describe('transferBills: the user-confirm lifecycle', () => {
  it('transferBills.partnerCreate with user_name → ACCEPTED → PROCESSING → WAIT_USER_CONFIRM on the clock; the user confirms → TRANSFERING → SUCCESS with MCHTRANSFER.BILL.FINISHED', async () => {
    const since = mark(h);
    // 3,000 CNY needs quotas above the 200 CNY default, as a merchant has them raised on application.
    await controlOk(h, 'POST', `/transfer-bills/rules/${sub}`, {
      per_transfer: 300_000,
      per_user_per_day: 300_000,
    });
    const { wxpay: recorded, exchanges } = recordingClient(h, 'serviceProvider');
    const body = createBody({ user_name: '张三', transfer_amount: 300_000 });
    const no = body.out_bill_no;
    const createdAt = h.emulator.clock.now();
    const answer = await recorded.transferBills.partnerCreate(body);
    expect(answer).toEqual({
      sub_mchid: sub,
      out_bill_no: no,
      transfer_bill_no: expect.stringMatching(/^1330\d{36}$/),
      create_time: formatTime(createdAt),
      state: 'ACCEPTED',
      package_info: expect.any(String),
    });
    expect(responseErrors('transferBills.partnerCreate', answer)).toEqual([]);
    // On the wire the name travelled RSA-OAEP encrypted (2048-bit key → 344 Base64 characters).
    const sent = JSON.parse(exchanges[0]?.requestBody ?? '{}');
    expect(sent.user_name).toMatch(/^[A-Za-z0-9+/]{342}==$/);
    expect(exchanges[0]?.requestBody).not.toContain('张三');

    const accepted = await recorded.transferBills.partnerGet({ out_bill_no: no, sub_mchid: sub });
    expect(accepted).toEqual({
      sub_mchid: sub,
      mchid: spMchid,
      out_bill_no: no,
      transfer_bill_no: answer.transfer_bill_no,
      appid: body.appid,
      state: 'ACCEPTED',
      transfer_amount: 300_000,
      transfer_remark: '新会员开通有礼',
      openid: body.openid,
      user_name: '张三',
      create_time: answer.create_time,
      update_time: answer.create_time,
    });
    expect(responseErrors('transferBills.partnerGet', accepted)).toEqual([]);
    // The emulator answered with the name encrypted for the service provider's certificate key.
    const replied = JSON.parse(exchanges[1]?.responseBody ?? '{}');
    expect(replied.user_name).not.toBe('张三');
    const privateKey = loadPrivateKey(h.emulator.merchants.serviceProvider.privateKeyPem);
    expect(rsaOaepDecrypt(replied.user_name, privateKey)).toBe('张三');

    await h.advance(STEP - 1);
    expect((await get(no)).state).toBe('ACCEPTED');
    await h.advance(1);
    const processing = await get(no);
    expect(processing.state).toBe('PROCESSING');
    expect(ms(processing.update_time)).toBe(createdAt + STEP * 1000);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });

    await h.advance(STEP);
    const waiting = await get(no);
    expect(waiting.state).toBe('WAIT_USER_CONFIRM');
    expect(ms(waiting.update_time)).toBe(createdAt + 2 * STEP * 1000);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE - 300_000, locked: 300_000 });

    const transfering = await actOk(no, 'confirm');
    expect(transfering).toMatchObject({ state: 'TRANSFERING', out_bill_no: no });
    expect((await get(no)).state).toBe('TRANSFERING');
    expect(await finished(since, no)).toEqual([]);

    await h.advance(STEP);
    const success = await get(no);
    expect(success).toMatchObject({ state: 'SUCCESS', user_name: '张三' });
    expect(success.fail_reason).toBeUndefined();
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE - 300_000, locked: 0 });

    const events = await eventsFor(h, since, no);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event_type: 'MCHTRANSFER.BILL.FINISHED',
      summary: '商家转账单据终态通知',
      resource_type: 'encrypt-resource',
      original_type: 'mch_payment',
    });
    expect(resourceErrors('transferBills', events[0]?.resource)).toEqual([]);
    expect(events[0]?.resource).toEqual({
      out_bill_no: no,
      transfer_bill_no: answer.transfer_bill_no,
      state: 'SUCCESS',
      mchid: spMchid,
      sub_mchid: sub,
      transfer_amount: 300_000,
      openid: body.openid,
      create_time: answer.create_time,
      update_time: success.update_time,
    });
  });

  it('the payout completed on demand (control succeed) → SUCCESS at once; the payout timer later does nothing more', async () => {
    const since = mark(h);
    const { no } = await waitingForUser();
    await actOk(no, 'confirm');
    const success = await actOk(no, 'succeed');
    expect(success.state).toBe('SUCCESS');
    await h.advance(STEP * 3);
    expect((await get(no)).update_time).toBe(success.update_time);
    expect(await finished(since, no)).toEqual([['SUCCESS', undefined]]);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 0 });
  });

  it('WeChat Pay failing a TRANSFERING bill (control fail with a fail_reason) → FAIL, funds returned, FINISHED FAIL', async () => {
    const since = mark(h);
    const { no } = await waitingForUser({ transfer_amount: 1234 });
    await actOk(no, 'confirm');
    const failed = await actOk(no, 'fail', { fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
    expect(failed).toMatchObject({ state: 'FAIL', fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
    expect(await get(no)).toMatchObject({ state: 'FAIL', fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    await h.advance(STEP);
    expect((await get(no)).state).toBe('FAIL');
    expect(await finished(since, no)).toEqual([['FAIL', 'PAYEE_ACCOUNT_ABNORMAL']]);
  });

  it.each([
    ['ACCEPTED', 0],
    ['PROCESSING', STEP],
  ] as const)('WeChat Pay failing an %s bill → FAIL with FINISHED FAIL', async (state, wait) => {
    const since = mark(h);
    const { no } = await created();
    await h.advance(wait);
    expect((await get(no)).state).toBe(state);
    await actOk(no, 'fail', { fail_reason: 'TRANSFER_RISK' });
    await h.advance(3 * STEP);
    expect(await get(no)).toMatchObject({ state: 'FAIL', fail_reason: 'TRANSFER_RISK' });
    expect(await finished(since, no)).toEqual([['FAIL', 'TRANSFER_RISK']]);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
  });

  it('control fail with an unknown fail_reason → 400 PARAM_ERROR; fail or succeed while WAIT_USER_CONFIRM → 400 INVALID_REQUEST', async () => {
    const { no } = await waitingForUser();
    const bad = await act(no, 'fail', { fail_reason: 'BECAUSE' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 'PARAM_ERROR',
      detail: { field: '/fail_reason', value: 'BECAUSE' },
    });
    const early = await act(no, 'fail', { fail_reason: 'TRANSFER_RISK' });
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('INVALID_REQUEST');
    expect(early.body.message).toContain('is WAIT_USER_CONFIRM: it cannot fail');
    const succeed = await act(no, 'succeed');
    expect(succeed.status).toBe(400);
    expect(succeed.body.code).toBe('INVALID_REQUEST');
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
  });

  it('the user confirming before WAIT_USER_CONFIRM → 400 INVALID_REQUEST', async () => {
    const { no } = await created();
    const result = await act(no, 'confirm');
    expect(result.status).toBe(400);
    expect(result.body.message).toContain('is ACCEPTED: the user cannot confirm receipt');
  });
});

describe('transferBills.partnerCreate: repeated requests', () => {
  it('transferBills.partnerCreate again with the same body (user_name re-encrypted by the SDK) returns the same bill', async () => {
    const body = createBody({ user_name: '王五' });
    const first = await wxpay().transferBills.partnerCreate(body);
    await h.advance(1);
    const second = await wxpay().transferBills.partnerCreate(body);
    expect(second).toEqual(first);
    const listed = await controlOk<ResourceList>(h, 'GET', `/resources/transfer-bills?mchid=${spMchid}`);
    expect(listed.items.filter((b) => b['out_bill_no'] === body.out_bill_no)).toHaveLength(1);
  });

  it('transferBills.partnerCreate with the same out_bill_no and a different body → 400 INVALID_REQUEST', async () => {
    const { body, no } = await created({ user_name: '王五' });
    const error = await apiErrorOf(wxpay().transferBills.partnerCreate({ ...body, user_name: '王六' }));
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      operation: 'transferBills.partnerCreate',
    });
    expect(error.message).toContain(`out_bill_no ${no} was already used with different parameters`);
    expect((await get(no)).user_name).toBe('王五');
  });

  it('transferBills.partnerCreate with the same body once the bill is final → 400 ALREADY_EXISTS', async () => {
    const { body, no } = await created();
    await actOk(no, 'fail', { fail_reason: 'TRANSFER_RISK' });
    const error = await apiErrorOf(wxpay().transferBills.partnerCreate(body));
    expect(error).toMatchObject({ status: 400, code: 'ALREADY_EXISTS' });
  });
});

describe('transferBills.partnerCancel', () => {
  it('transferBills.partnerCancel of a WAIT_USER_CONFIRM bill → CANCELING, then CANCELLED with funds returned and FINISHED CANCELLED', async () => {
    const since = mark(h);
    const { no } = await waitingForUser({ transfer_amount: 5000 });
    expect(await balance()).toMatchObject({ locked: 5000 });
    const canceling = await cancel(no);
    expect(responseErrors('transferBills.partnerCancel', canceling)).toEqual([]);
    expect(canceling).toMatchObject({ state: 'CANCELING', out_bill_no: no, sub_mchid: sub, mchid: spMchid });
    expect(ms(canceling.update_time)).toBe(h.emulator.clock.now());
    expect(await finished(since, no)).toEqual([]);
    await h.advance(STEP - 1);
    expect((await get(no)).state).toBe('CANCELING');
    await h.advance(1);
    const cancelled = await get(no);
    expect(cancelled).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    const events = await eventsFor(h, since, no);
    expect(events).toHaveLength(1);
    expect(resourceErrors('transferBills', events[0]?.resource)).toEqual([]);
    expect(events[0]?.resource).toMatchObject({
      out_bill_no: no,
      state: 'CANCELLED',
      fail_reason: 'MCH_CANCEL',
      update_time: cancelled.update_time,
    });
  });

  it.each([
    ['ACCEPTED', 0],
    ['PROCESSING', STEP],
  ] as const)('transferBills.partnerCancel of an %s bill → CANCELING → CANCELLED', async (state, wait) => {
    const since = mark(h);
    const { no } = await created();
    await h.advance(wait);
    expect((await get(no)).state).toBe(state);
    expect((await cancel(no)).state).toBe('CANCELING');
    // The pending automatic step must not move a cancelled bill on.
    await h.advance(3 * STEP);
    expect(await get(no)).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
    expect(await finished(since, no)).toEqual([['CANCELLED', 'MCH_CANCEL']]);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    // Cancelled before the user ever saw it: the user cannot confirm it.
    const confirm = await act(no, 'confirm');
    expect(confirm.status).toBe(400);
  });

  it('transferBills.partnerCancel repeated returns the bill as it is (CANCELING, then CANCELLED) and notifies once', async () => {
    const since = mark(h);
    const { no } = await waitingForUser();
    const first = await cancel(no);
    await h.advance(1);
    expect(await cancel(no)).toEqual(first);
    await h.advance(STEP);
    const cancelled = await get(no);
    expect(cancelled.state).toBe('CANCELLED');
    await h.advance(1);
    expect(await cancel(no)).toEqual(cancelled);
    expect(await finished(since, no)).toEqual([['CANCELLED', 'MCH_CANCEL']]);
  });

  it.each([
    ['SUCCESS', 'succeed'],
    ['FAIL', 'fail'],
  ] as const)('transferBills.partnerCancel of a %s bill → 400 INVALID_REQUEST', async (state, verb) => {
    const { no } = await waitingForUser();
    await actOk(no, 'confirm');
    await actOk(no, verb, verb === 'fail' ? { fail_reason: 'ACCOUNT_FROZEN' } : undefined);
    const error = await apiErrorOf(cancel(no));
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      operation: 'transferBills.partnerCancel',
    });
    expect(error.message).toContain(`is ${state}: it cannot be cancelled`);
    expect(error.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect((await get(no)).state).toBe(state);
  });

  it('transferBills.partnerCancel of a TRANSFERING bill → 400 INVALID_REQUEST', async () => {
    const { no } = await waitingForUser();
    await actOk(no, 'confirm');
    expect((await apiErrorOf(cancel(no))).code).toBe('INVALID_REQUEST');
  });
});

describe('transferBills: unknown bills and sub-merchants', () => {
  it('transferBills.partnerGet and transferBills.partnerCancel of an unknown bill → 404 NOT_FOUND', async () => {
    const no = uniqueNo('none');
    const got = await apiErrorOf(get(no));
    expect(got).toMatchObject({ status: 404, code: 'NOT_FOUND', operation: 'transferBills.partnerGet' });
    expect(got.message).toContain('转账单不存在');
    expect(got.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect(await apiErrorOf(cancel(no))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it("a bill asked for under the provider's other sub-merchant → 404 NOT_FOUND", async () => {
    const { no } = await created();
    expect(await apiErrorOf(get(no, otherSub))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await apiErrorOf(cancel(no, otherSub))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await get(no)).state).toBe('ACCEPTED');
  });

  it('a sub_mchid not bound to the service provider → 403 NO_AUTH on create, get and cancel', async () => {
    const create = await apiErrorOf(
      wxpay().transferBills.partnerCreate(createBody({ sub_mchid: foreignSub })),
    );
    expect(create).toMatchObject({
      status: 403,
      code: 'NO_AUTH',
      detail: { field: '/sub_mchid', value: foreignSub },
    });
    expect(create.message).toContain(foreignSub);
    const { no } = await created();
    const got = await apiErrorOf(get(no, foreignSub));
    expect(got).toMatchObject({ status: 403, code: 'NO_AUTH', detail: { value: foreignSub } });
    expect(await apiErrorOf(cancel(no, foreignSub))).toMatchObject({ status: 403, code: 'NO_AUTH' });
    expect((await get(no)).state).toBe('ACCEPTED');
    const listed = await controlOk<ResourceList>(h, 'GET', '/resources/transfer-bills');
    expect(listed.items.map((b) => b['sub_mchid'])).not.toContain(foreignSub);
  });
});

describe('transferBills: balance and 24 h deadlines', () => {
  it('a bill short of funds stays PROCESSING, is still PROCESSING at 24 h − 1 s and FAILs OVERDUE_CLOSE at 24 h', async () => {
    const since = mark(h);
    await setBalance(300, otherSub);
    const { no } = await created({ sub_mchid: otherSub, transfer_amount: 500 });
    await h.advance(2 * STEP);
    const short = await get(no, otherSub);
    expect(short.state).toBe('PROCESSING');
    const shortSince = h.emulator.clock.now();
    expect(await balance(otherSub)).toMatchObject({ available: 300, locked: 0 });
    await h.advance(DAY - 1);
    expect((await get(no, otherSub)).state).toBe('PROCESSING');
    await h.advance(1);
    const failed = await get(no, otherSub);
    expect(failed).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    expect(ms(failed.update_time)).toBe(shortSince + DAY * 1000);
    expect(await finished(since, no)).toEqual([['FAIL', 'OVERDUE_CLOSE']]);
    expect(await balance(otherSub)).toMatchObject({ available: 300, locked: 0 });
  });

  it('topping up the balance funds the waiting bill (WAIT_USER_CONFIRM); the funds deadline then does nothing', async () => {
    await setBalance(0, otherSub);
    const { no } = await created({ sub_mchid: otherSub, transfer_amount: 700 });
    await h.advance(2 * STEP);
    expect((await get(no, otherSub)).state).toBe('PROCESSING');
    await h.advance(3600);
    const topped = await setBalance(10_000, otherSub);
    expect(topped).toMatchObject({ available: 9_300, locked: 700, funded_bills: [no] });
    expect((await get(no, otherSub)).state).toBe('WAIT_USER_CONFIRM');
    await h.advance(DAY - 3600);
    expect((await get(no, otherSub)).state).toBe('WAIT_USER_CONFIRM');
    await actOk(no, 'confirm');
    await h.advance(STEP);
    expect((await get(no, otherSub)).state).toBe('SUCCESS');
    expect(await balance(otherSub)).toMatchObject({ available: 9_300, locked: 0 });
  });

  it('a bill the user does not confirm is WAIT_USER_CONFIRM at 24 h − 1 s and FAILs OVERDUE_CLOSE at 24 h, funds returned', async () => {
    const since = mark(h);
    const { no } = await waitingForUser({ transfer_amount: 900 });
    const waitingSince = h.emulator.clock.now();
    await h.advance(DAY - 1);
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
    expect(await balance()).toMatchObject({ locked: 900 });
    await h.advance(1);
    const failed = await get(no);
    expect(failed).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    expect(ms(failed.update_time)).toBe(waitingSince + DAY * 1000);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    expect(await finished(since, no)).toEqual([['FAIL', 'OVERDUE_CLOSE']]);
    expect((await act(no, 'confirm')).status).toBe(400);
  });
});

describe('transferBills.partnerCancel racing the user confirming', () => {
  it('transferBills.partnerCancel first, the user confirming while CANCELING → the confirmation wins: SUCCESS, one FINISHED', async () => {
    const since = mark(h);
    const { no } = await waitingForUser();
    expect((await cancel(no)).state).toBe('CANCELING');
    expect(await actOk(no, 'confirm')).toMatchObject({ state: 'TRANSFERING' });
    await h.advance(2 * STEP);
    expect((await get(no)).state).toBe('SUCCESS');
    expect(await finished(since, no)).toEqual([['SUCCESS', undefined]]);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 0 });
  });

  it('the user confirming first, then transferBills.partnerCancel → 400 INVALID_REQUEST; SUCCESS', async () => {
    const since = mark(h);
    const { no } = await waitingForUser();
    await actOk(no, 'confirm');
    expect((await apiErrorOf(cancel(no))).code).toBe('INVALID_REQUEST');
    await h.advance(STEP);
    expect((await get(no)).state).toBe('SUCCESS');
    expect(await finished(since, no)).toEqual([['SUCCESS', undefined]]);
  });

  it('transferBills.partnerCancel finishing before the user confirms → the confirmation is refused; CANCELLED', async () => {
    const since = mark(h);
    const { no } = await waitingForUser();
    await cancel(no);
    await h.advance(STEP);
    const confirm = await act(no, 'confirm');
    expect(confirm.status).toBe(400);
    expect(confirm.body.message).toContain('is CANCELLED');
    expect((await get(no)).state).toBe('CANCELLED');
    expect(await finished(since, no)).toEqual([['CANCELLED', 'MCH_CANCEL']]);
    expect(await balance()).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
  });

  it('transferBills.partnerCancel and the user confirming at the same time, both ways round (and the clock moving): one consistent outcome every time', async () => {
    const racer = recordingClient(h, 'serviceProvider');
    const sleep = (realMs: number) => new Promise((resolve) => setTimeout(resolve, realMs));
    const confirm = (no: string) => act(no, 'confirm');
    /**
     * Negative: the confirmation leaves that many real ms before the SDK call starts; otherwise it leaves that
     * many ms after the signed cancel request went on the wire. Around 0 the two are in flight together.
     */
    const offsets = [-100, -5, 0, 0, 1, 2, 5, 100];
    const outcomes: { cancel: string; confirm: number; final: string }[] = [];
    for (const [round, offset] of offsets.entries()) {
      const since = mark(h);
      const before = await balance();
      const amount = 100 + round;
      const { no } = await waitingForUser({ transfer_amount: amount });
      let confirmed: ReturnType<typeof confirm>;
      if (offset < 0) {
        confirmed = confirm(no);
        await sleep(-offset);
      } else {
        confirmed = new Promise((resolve) =>
          racer.onNextSend(() => void sleep(offset).then(() => resolve(confirm(no)))),
        );
      }
      const cancelling = racer.wxpay.transferBills.partnerCancel({ out_bill_no: no, sub_mchid: sub }).then(
        (bill) => ({ ok: true as const, state: bill.state }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      // Odd rounds move the clock as soon as the cancel is answered: the refund step races the confirmation.
      const clockMoved = round % 2 === 1 ? cancelling.then(() => h.advance(STEP)) : undefined;
      const [cancelled, confirmation] = await Promise.all([cancelling, confirmed, clockMoved]);
      await h.advance(2 * STEP);
      const final = await get(no);
      const events = await finished(since, no);
      const after = await balance();
      outcomes.push({
        cancel: cancelled.ok ? cancelled.state : 'refused',
        confirm: confirmation.status,
        final: final.state,
      });

      const label = `round ${round} (offset ${offset} ms): ${JSON.stringify(outcomes.at(-1))}`;
      expect(events, label).toEqual([[final.state, final.fail_reason]]);
      expect(after.locked, label).toBe(before.locked);
      if (!cancelled.ok) {
        expect(cancelled.error, label).toBeInstanceOf(WechatPayApiError);
        expect((cancelled.error as WechatPayApiError).code, label).toBe('INVALID_REQUEST');
      }
      if (final.state === 'SUCCESS') {
        // The user's confirmation took effect; a cancellation accepted before it lost to it.
        expect(confirmation.status, label).toBe(200);
        expect(confirmation.body.state, label).toBe('TRANSFERING');
        if (cancelled.ok) expect(cancelled.state, label).toBe('CANCELING');
        expect(after.available, label).toBe(before.available - amount);
      } else {
        // The cancellation finished before the confirmation arrived.
        expect(final, label).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
        expect(cancelled, label).toEqual({ ok: true, state: 'CANCELING' });
        expect(confirmation.status, label).toBe(400);
        expect(after.available, label).toBe(before.available);
      }
    }
    // The head starts at both ends make each order happen: the cancel refused, and the cancel accepted first.
    expect(outcomes.map((o) => o.cancel)).toContain('refused');
    expect(outcomes.map((o) => o.cancel)).toContain('CANCELING');
  });
});

describe('transferBills notifications', () => {
  it('a bill created without notify_url settles without any notification', async () => {
    const body = createBody();
    delete body.notify_url;
    await wxpay().transferBills.partnerCreate(body);
    await h.advance(2 * STEP);
    await actOk(body.out_bill_no, 'confirm');
    await h.advance(STEP);
    expect((await get(body.out_bill_no)).state).toBe('SUCCESS');
    expect(await outboxFor(h, body.out_bill_no)).toEqual([]);
  });
});
