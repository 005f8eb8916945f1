import { describe, expect, it } from 'vitest';
import {
  CLOSED_BY_PLATFORM_DESC,
  CLOSED_BY_TIMEOUT_DESC,
  EVENT_TYPES,
  QR_RECHARGE_LIMIT_FEN,
  RECHARGE_VALIDITY_MS,
  type RechargeEvent,
  type RechargeEventType,
  states,
  timerRowsFrom,
  transition,
  transitions,
} from '../../../src/families/recharges/machine.js';
import type { NewRecharge, Recharge, RechargeState } from '../../../src/families/recharges/record.js';
import { errorOf } from '../support/family-harness.js';

const NOW = '2026-11-22T12:00:00.000+08:00';
const LATER = '2026-11-22T12:05:00.000+08:00';

const fresh: NewRecharge = {
  sp_mchid: '1900001109',
  sub_mchid: '1900001121',
  recharge_id: '202611220000000001',
  out_recharge_no: 'cz2020042013',
  account_type: 'DEPOSIT',
  recharge_scene: 'ECOMMERCE_DEPOSIT',
  recharge_amount: { amount: 500000, currency: 'CNY' },
  recharge_url: 'https://www.payapp.qq.com/plat/recharge.html?token=abc',
};

const bankTransfer = {
  bill_no: '110240620400046628001252733345',
  memo: '转账充值附言',
  bank_name: '中国银行',
  bank_card_tail: '0722',
  bank_account_name: '某某某有限公司',
};

function recharging(): Recharge {
  return transition(undefined, { type: 'apply', recharge: fresh }, { now: NOW });
}

function paid(): Recharge {
  return transition(
    recharging(),
    { type: 'pay', payment: { channel: 'BANK_TRANSFER', bank_transfer_info: bankTransfer } },
    { now: NOW },
  );
}

const recordIn: Record<RechargeState, () => Recharge> = {
  RECHARGING: recharging,
  SUCCESS: paid,
  CLOSED: () => transition(recharging(), { type: 'close' }, { now: NOW }),
};

const eventOf: Record<RechargeEventType, RechargeEvent> = {
  apply: { type: 'apply', recharge: fresh },
  pay: { type: 'pay', payment: { channel: 'BANK_TRANSFER', bank_transfer_info: bankTransfer } },
  close: { type: 'close' },
  expire: { type: 'expire' },
  returnFunds: {
    type: 'returnFunds',
    recharge_returned_id: '202611220000000009',
    amount: 100,
    return_reason: '退回',
  },
};

describe('recharges machine: every row of the table', () => {
  it.each(
    transitions.map(
      (row) => [`${row.from ?? '[*]'} --${row.event} (${row.actor})--> ${row.to}`, row] as const,
    ),
  )('%s', (_title, row) => {
    const before = row.from === null ? undefined : recordIn[row.from]();
    const after = transition(before, eventOf[row.event], { now: LATER });
    expect(after.recharge_state).toBe(row.to);
    if (row.unchanged) expect(after).toEqual(before);
    else expect(after).not.toEqual(before);
  });
});

describe('recharges machine: every event the table does not allow is refused', () => {
  const cases = [null, ...states].flatMap((state) =>
    EVENT_TYPES.filter((event) => !transitions.some((row) => row.from === state && row.event === event)).map(
      (event) => [state ?? '[*]', event, state] as const,
    ),
  );
  it('covers refusals in every state', () => {
    expect(new Set(cases.map(([title]) => title))).toEqual(new Set(['[*]', ...states]));
  });
  it.each(cases)('%s refuses %s', (_title, event, state) => {
    const before = state === null ? undefined : recordIn[state]();
    const error = errorOf(() => transition(before, eventOf[event], { now: LATER }));
    if (state === null) {
      expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', message: '充值单不存在' });
    } else {
      expect(error.status).toBe(400);
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.message).toContain(`is ${state}`);
    }
  });
});

describe('recharges machine: table shape', () => {
  it('every state is reachable and every event has a row', () => {
    expect(new Set(transitions.map((row) => row.to))).toEqual(new Set(states));
    expect(new Set(transitions.map((row) => row.event))).toEqual(new Set(EVENT_TYPES));
  });
  it('only RECHARGING has a timer: 7 days to CLOSED', () => {
    expect(timerRowsFrom('RECHARGING').map((r) => [r.event, r.to, r.afterMs])).toEqual([
      ['expire', 'CLOSED', 7 * 24 * 3600 * 1000],
    ]);
    expect(RECHARGE_VALIDITY_MS).toBe(604_800_000);
    expect(timerRowsFrom('SUCCESS')).toEqual([]);
    expect(timerRowsFrom('CLOSED')).toEqual([]);
  });
  it('names the notification of each row that changes what the merchant knows', () => {
    const notifyOf = (event: RechargeEventType, from: RechargeState) =>
      transitions.find((r) => r.event === event && r.from === from)?.notify;
    expect(notifyOf('pay', 'RECHARGING')).toBe('RECHARGE.SUCCESS');
    expect(notifyOf('close', 'RECHARGING')).toBe('RECHARGE.CLOSED');
    expect(notifyOf('expire', 'RECHARGING')).toBe('RECHARGE.CLOSED');
    expect(notifyOf('returnFunds', 'SUCCESS')).toBe('RECHARGE.FUND_RETURNED');
    expect(notifyOf('close', 'CLOSED')).toBeUndefined();
  });
});

describe('recharges machine: what each transition writes', () => {
  it('apply starts RECHARGING with nothing paid or closed', () => {
    const r = recharging();
    expect(r).toMatchObject({ recharge_state: 'RECHARGING', fund_returns: [] });
    for (const absent of [
      'recharge_channel',
      'accept_time',
      'success_time',
      'close_time',
      'recharge_state_desc',
    ]) {
      expect(r).not.toHaveProperty(absent);
    }
  });

  it('pay records the channel, its info, accept_time and success_time', () => {
    const r = transition(
      recharging(),
      {
        type: 'pay',
        payment: { channel: 'QR_RECHARGE', qr_recharge_info: { openid: 'oX', employee_type: 'ADMIN' } },
      },
      { now: LATER },
    );
    expect(r).toMatchObject({
      recharge_state: 'SUCCESS',
      recharge_channel: 'QR_RECHARGE',
      qr_recharge_info: { openid: 'oX', employee_type: 'ADMIN' },
      accept_time: LATER,
      success_time: LATER,
    });
    expect(r).not.toHaveProperty('channel');
  });

  it('pay is refused for a channel outside available_recharge_channels', () => {
    const limited = { ...recharging(), available_recharge_channels: ['QR_RECHARGE' as const] };
    const error = errorOf(() => transition(limited, eventOf.pay, { now: LATER }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.detail).toMatchObject({ field: '/channel', value: 'BANK_TRANSFER' });
    expect(error.detail?.issue).toContain('[QR_RECHARGE]');
  });

  it('pay by QR is refused above 5万元, allowed at exactly the limit', () => {
    const qr = {
      type: 'pay',
      payment: { channel: 'QR_RECHARGE', qr_recharge_info: { openid: 'oX', employee_type: 'STAFF' } },
    } as const;
    const big = { ...recharging(), recharge_amount: { amount: QR_RECHARGE_LIMIT_FEN + 1, currency: 'CNY' } };
    expect(errorOf(() => transition(big, qr, { now: LATER })).message).toContain('5万元');
    const atLimit = { ...recharging(), recharge_amount: { amount: QR_RECHARGE_LIMIT_FEN, currency: 'CNY' } };
    expect(transition(atLimit, qr, { now: LATER }).recharge_state).toBe('SUCCESS');
  });

  it('close and expire write their own recharge_state_desc and close_time', () => {
    expect(transition(recharging(), { type: 'close' }, { now: LATER })).toMatchObject({
      recharge_state_desc: CLOSED_BY_PLATFORM_DESC,
      close_time: LATER,
    });
    expect(transition(recharging(), { type: 'expire' }, { now: LATER })).toMatchObject({
      recharge_state_desc: '超过时间限制，系统自动关闭充值单',
      close_time: LATER,
    });
    expect(CLOSED_BY_TIMEOUT_DESC).toBe('超过时间限制，系统自动关闭充值单');
    expect(CLOSED_BY_PLATFORM_DESC).toBe('平台商户主动关闭充值单');
  });

  it('close of a SUCCESS recharge names why it is refused', () => {
    const error = errorOf(() => transition(paid(), { type: 'close' }, { now: LATER }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('only a RECHARGING recharge can be closed');
  });

  it('returnFunds keeps SUCCESS, records the return and marks the channel info', () => {
    const r = transition(paid(), eventOf.returnFunds, { now: LATER });
    expect(r.recharge_state).toBe('SUCCESS');
    expect(r.bank_transfer_info).toMatchObject({ return_time: LATER, return_reason: '退回' });
    expect(r.fund_returns).toEqual([
      {
        recharge_returned_id: '202611220000000009',
        recharge_channel: 'BANK_TRANSFER',
        detail: {
          bank_name: '中国银行',
          bank_card_tail: '0722',
          bank_account_name: '某某某有限公司',
          amount: 100,
          currency: 'CNY',
          memo: '转账充值附言',
          return_time: LATER,
          return_reason: '退回',
        },
      },
    ]);
  });

  it('returnFunds refuses more than is left, and anything once all is returned', () => {
    const all = { ...eventOf.returnFunds, amount: 500000 } as RechargeEvent;
    const over = errorOf(() =>
      transition(paid(), { ...all, amount: 500001 } as RechargeEvent, { now: LATER }),
    );
    expect(over).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/amount', value: 500001 },
    });
    const emptied = transition(paid(), all, { now: LATER });
    expect(errorOf(() => transition(emptied, eventOf.returnFunds, { now: LATER }))).toMatchObject({
      code: 'INVALID_REQUEST',
    });
    expect(
      errorOf(() => transition(paid(), { ...all, amount: 0 } as RechargeEvent, { now: LATER })).code,
    ).toBe('PARAM_ERROR');
  });

  it('returnFunds is refused for a QR recharge', () => {
    const qrPaid = transition(
      recharging(),
      {
        type: 'pay',
        payment: { channel: 'QR_RECHARGE', qr_recharge_info: { openid: 'oX', employee_type: 'STAFF' } },
      },
      { now: NOW },
    );
    const error = errorOf(() => transition(qrPaid, eventOf.returnFunds, { now: LATER }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('only BANK_TRANSFER and ONLINE_BANK');
  });

  it('never mutates the record it is given', () => {
    const before = paid();
    const copy = structuredClone(before);
    transition(before, eventOf.returnFunds, { now: LATER });
    expect(before).toEqual(copy);
  });
});
