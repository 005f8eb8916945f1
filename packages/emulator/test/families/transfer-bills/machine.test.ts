import { describe, expect, it } from 'vitest';
import {
  canTransition,
  createRow,
  states,
  type TransferBillEvent,
  type TransferBillMachineRecord,
  type TransferBillState,
  transition,
  transitions,
} from '../../../src/families/transfer-bills/machine.js';
import { errorOf } from '../support/family-harness.js';

const NOW = 1_747_713_600_000;
const AMOUNT = 400;

const EVENTS: Record<string, TransferBillEvent> = {
  accept: { type: 'accept' },
  'lockFunds (enough)': { type: 'lockFunds', available: AMOUNT },
  'lockFunds (short)': { type: 'lockFunds', available: AMOUNT - 1 },
  fundsOverdue: { type: 'fundsOverdue' },
  userConfirm: { type: 'userConfirm' },
  userConfirmAndAuthorize: { type: 'userConfirmAndAuthorize' },
  'userConfirm (over quota)': { type: 'userConfirm', openid: 'o-user', overUserQuota: true },
  'userConfirmAndAuthorize (over quota)': {
    type: 'userConfirmAndAuthorize',
    openid: 'o-user',
    overUserQuota: true,
  },
  confirmOverdue: { type: 'confirmOverdue' },
  payout: { type: 'payout' },
  fail: { type: 'fail', reason: 'PAYEE_ACCOUNT_ABNORMAL' },
  cancel: { type: 'cancel' },
  finishCancel: { type: 'finishCancel' },
};

function bill(
  state: TransferBillState,
  extra: Partial<TransferBillMachineRecord> = {},
): TransferBillMachineRecord {
  const fundsLocked = state === 'WAIT_USER_CONFIRM' || state === 'TRANSFERING';
  return {
    outBillNo: 'plfk2020042013',
    state,
    transferAmount: AMOUNT,
    fundsLocked,
    updateTime: NOW - 1,
    ...extra,
  };
}

/** Every state, plus the variants the guards read: a short balance already seen, a cancel after the lock. */
const SAMPLES: TransferBillMachineRecord[] = [
  ...states.map((s) => bill(s)),
  bill('PROCESSING', { fundsShortSince: NOW - 10 }),
  bill('CANCELING', { fundsLocked: true }),
  bill('PROCESSING', { authorized: true }),
  bill('WAIT_USER_CONFIRM', { offersAuthorization: true }),
  bill('CANCELING', { fundsLocked: true, offersAuthorization: true }),
];

/**
 * The diagram of spec P2.2, written out by hand: [from, event, to, actor, funds, what the bill must be]. The
 * authorized mode (A5) pays out after the lock; an A4 bill lets the user also agree to its authorization.
 */
const SPEC: [
  TransferBillState,
  string,
  TransferBillState,
  string,
  string?,
  Partial<TransferBillMachineRecord>?,
][] = [
  ['PROCESSING', 'lockFunds (enough)', 'TRANSFERING', 'system', 'lock', { authorized: true }],
  [
    'WAIT_USER_CONFIRM',
    'userConfirmAndAuthorize',
    'TRANSFERING',
    'user',
    undefined,
    { offersAuthorization: true },
  ],
  [
    'CANCELING',
    'userConfirmAndAuthorize',
    'TRANSFERING',
    'user',
    undefined,
    { offersAuthorization: true, fundsLocked: true },
  ],
  ['ACCEPTED', 'accept', 'PROCESSING', 'system'],
  ['ACCEPTED', 'fail', 'FAIL', 'system'],
  ['PROCESSING', 'lockFunds (enough)', 'WAIT_USER_CONFIRM', 'system', 'lock'],
  ['PROCESSING', 'lockFunds (short)', 'PROCESSING', 'system'],
  ['PROCESSING', 'fundsOverdue', 'FAIL', 'timer'],
  ['PROCESSING', 'fail', 'FAIL', 'system'],
  ['WAIT_USER_CONFIRM', 'userConfirm', 'TRANSFERING', 'user'],
  ['WAIT_USER_CONFIRM', 'confirmOverdue', 'FAIL', 'timer', 'release'],
  ['TRANSFERING', 'payout', 'SUCCESS', 'system', 'debit'],
  ['TRANSFERING', 'fail', 'FAIL', 'system', 'release'],
  ['ACCEPTED', 'cancel', 'CANCELING', 'merchant'],
  ['PROCESSING', 'cancel', 'CANCELING', 'merchant'],
  ['WAIT_USER_CONFIRM', 'cancel', 'CANCELING', 'merchant'],
  ['CANCELING', 'finishCancel', 'CANCELLED', 'system', 'release'],
  ['CANCELING', 'userConfirm', 'TRANSFERING', 'user'],
  ['WAIT_USER_CONFIRM', 'userConfirm (over quota)', 'FAIL', 'user', 'release'],
  [
    'WAIT_USER_CONFIRM',
    'userConfirmAndAuthorize (over quota)',
    'FAIL',
    'user',
    'release',
    { offersAuthorization: true },
  ],
  ['CANCELING', 'userConfirm (over quota)', 'FAIL', 'user', 'release', { fundsLocked: true }],
  [
    'CANCELING',
    'userConfirmAndAuthorize (over quota)',
    'FAIL',
    'user',
    'release',
    { fundsLocked: true, offersAuthorization: true },
  ],
];

describe('transferBills machine', () => {
  it('lists the eight states of the spec', () => {
    expect([...states].sort()).toEqual(
      [
        'ACCEPTED',
        'PROCESSING',
        'WAIT_USER_CONFIRM',
        'TRANSFERING',
        'SUCCESS',
        'FAIL',
        'CANCELING',
        'CANCELLED',
      ].sort(),
    );
  });

  it('creates bills in ACCEPTED by the merchant, with the first asynchronous step scheduled', () => {
    expect(createRow).toMatchObject({ from: null, to: 'ACCEPTED', actor: 'merchant' });
    expect(createRow.schedule).toEqual([{ kind: 'accept', after: 'asyncStep' }]);
  });

  it.each(SPEC)('%s --%s--> %s (%s)', (from, eventName, to, actor, funds, shape) => {
    const record = bill(from, { ...(from === 'CANCELING' ? { fundsLocked: true } : {}), ...shape });
    const step = transition(record, EVENTS[eventName]!, NOW);
    expect(step.record.state).toBe(to);
    expect(step.row.actor).toBe(actor);
    expect(step.funds).toBe(funds);
    expect(step.record.updateTime).toBe(to === from ? NOW - 1 : NOW);
    expect(step.row.notify).toBe(
      ['SUCCESS', 'FAIL', 'CANCELLED'].includes(to) ? 'MCHTRANSFER.BILL.FINISHED' : undefined,
    );
  });

  it('every non-idempotent row of the table is in the spec list', () => {
    const rows = transitions.filter((t) => t.from !== null && !t.idempotent);
    expect(rows.map((t) => `${t.from} ${t.event} ${t.to} ${t.actor}`).sort()).toEqual(
      SPEC.map(([from, event, to, actor]) => `${from} ${event.split(' ')[0]} ${to} ${actor}`).sort(),
    );
  });

  it("only the rows where the user agrees to an A4 bill's authorization grant it", () => {
    expect(transitions.filter((t) => t.grantsAuthorization).map((t) => `${t.from} ${t.event}`)).toEqual([
      'WAIT_USER_CONFIRM userConfirmAndAuthorize',
      'CANCELING userConfirmAndAuthorize',
    ]);
    const plain = errorOf(() =>
      transition(bill('WAIT_USER_CONFIRM'), EVENTS['userConfirmAndAuthorize']!, NOW),
    );
    expect(plain.message).toContain('the bill offers no authorization');
  });

  it('the confirming user becomes the payee of a bill that names none (A4 without openid), never replaces one', () => {
    const offered = bill('WAIT_USER_CONFIRM', { offersAuthorization: true });
    const confirmed = transition(offered, { type: 'userConfirmAndAuthorize', openid: 'o-user' }, NOW);
    expect(confirmed.record).toMatchObject({ state: 'TRANSFERING', openid: 'o-user' });
    const named = bill('WAIT_USER_CONFIRM', { openid: 'o-named' });
    expect(transition(named, { type: 'userConfirm' }, NOW).record.openid).toBe('o-named');
    expect(transition(named, { type: 'userConfirm', openid: 'o-named' }, NOW).record.openid).toBe('o-named');
    expect(transition(bill('PROCESSING'), EVENTS['lockFunds (enough)']!, NOW).record.openid).toBeUndefined();
  });

  it('a confirming user past the per-user daily quota (A4 without openid) fails the bill: DAY_RECEIVED_QUOTA_EXCEED, no authorization, funds released', () => {
    const offered = bill('WAIT_USER_CONFIRM', { offersAuthorization: true });
    const step = transition(offered, EVENTS['userConfirmAndAuthorize (over quota)']!, NOW);
    expect(step.record).toMatchObject({
      state: 'FAIL',
      failReason: 'DAY_RECEIVED_QUOTA_EXCEED',
      openid: 'o-user',
      fundsLocked: false,
    });
    expect(step.row.grantsAuthorization).toBeUndefined();
    expect(step.row.schedule).toBeUndefined();
    // Within the quota the same confirmation pays out as before.
    const within = { type: 'userConfirmAndAuthorize', openid: 'o-user', overUserQuota: false } as const;
    expect(transition(offered, within, NOW).record.state).toBe('TRANSFERING');
    // A bill that offers nothing still refuses confirm-and-authorize; a cancel before the confirm page, the user.
    expect(
      errorOf(() =>
        transition(bill('WAIT_USER_CONFIRM'), EVENTS['userConfirmAndAuthorize (over quota)']!, NOW),
      ).message,
    ).toContain('the bill offers no authorization');
    expect(canTransition(bill('CANCELING'), EVENTS['userConfirm (over quota)']!)).toBe(false);
  });

  it('an authorized bill (A5) never waits for the user: its lock goes straight to TRANSFERING with a payout', () => {
    const step = transition(bill('PROCESSING', { authorized: true }), EVENTS['lockFunds (enough)']!, NOW);
    expect(step.record.state).toBe('TRANSFERING');
    expect(step.row.schedule).toEqual([{ kind: 'payout', after: 'asyncStep' }]);
  });

  it.each([
    ['fundsOverdue', bill('PROCESSING', { fundsShortSince: NOW - 1 }), 'OVERDUE_CLOSE'],
    ['confirmOverdue', bill('WAIT_USER_CONFIRM'), 'OVERDUE_CLOSE'],
    ['fail', bill('TRANSFERING'), 'PAYEE_ACCOUNT_ABNORMAL'],
    ['finishCancel', bill('CANCELING', { fundsLocked: true }), 'MCH_CANCEL'],
  ] as const)('%s sets fail_reason %s', (eventName, record, reason) => {
    expect(transition(record, EVENTS[eventName]!, NOW).record.failReason).toBe(reason);
  });

  it('a short balance is remembered once; a second short attempt changes nothing', () => {
    const first = transition(bill('PROCESSING'), EVENTS['lockFunds (short)']!, NOW);
    expect(first.record.fundsShortSince).toBe(NOW);
    expect(first.row.schedule).toEqual([{ kind: 'fundsOverdue', after: 24 * 60 * 60 * 1000 }]);
    const again = transition(first.record, EVENTS['lockFunds (short)']!, NOW + 5);
    expect(again.record).toBe(first.record);
    expect(again.row.idempotent).toBe(true);
    const funded = transition(first.record, EVENTS['lockFunds (enough)']!, NOW + 9);
    expect(funded.record).toMatchObject({
      state: 'WAIT_USER_CONFIRM',
      fundsLocked: true,
      fundsShortSince: undefined,
    });
  });

  it('releases funds on cancel only when they were locked', () => {
    expect(transition(bill('CANCELING', { fundsLocked: true }), EVENTS['finishCancel']!, NOW).funds).toBe(
      'release',
    );
    expect(transition(bill('CANCELING'), EVENTS['finishCancel']!, NOW).funds).toBeUndefined();
  });

  it.each(['CANCELING', 'CANCELLED'] as const)('cancel in %s is idempotent: the same record', (state) => {
    const record = bill(state);
    const step = transition(record, EVENTS['cancel']!, NOW);
    expect(step.record).toBe(record);
    expect(step.row.notify).toBeUndefined();
  });

  it('the race edge CANCELING → TRANSFERING needs funds locked (the user saw the confirm page)', () => {
    expect(errorOf(() => transition(bill('CANCELING'), EVENTS['userConfirm']!, NOW)).message).toContain(
      'cancelled before it reached WAIT_USER_CONFIRM',
    );
  });

  // Generated from the table: each (sample, event) pair either has a row, which must apply, or is refused.
  for (const record of SAMPLES) {
    for (const [name, event] of Object.entries(EVENTS)) {
      const label = `${record.state}${record.fundsShortSince ? ' (short)' : ''}${
        record.state === 'CANCELING' && record.fundsLocked ? ' (funds locked)' : ''
      }${record.authorized ? ' (authorized)' : ''}${record.offersAuthorization ? ' (offers authorization)' : ''} + ${name}`;
      const row = transitions.find(
        (t) => t.from === record.state && t.event === event.type && (t.when?.(record, event) ?? true),
      );
      if (row) {
        it(`${label}: allowed → ${row.to}`, () => {
          expect(canTransition(record, event)).toBe(true);
          expect(transition(record, event, NOW).record.state).toBe(row.to);
        });
      } else {
        it(`${label}: refused with 400 INVALID_REQUEST naming the state`, () => {
          expect(canTransition(record, event)).toBe(false);
          const error = errorOf(() => transition(record, event, NOW));
          expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
          expect(error.message).toContain(`plfk2020042013 is ${record.state}`);
          // WeChat's words first: a plain Chinese message, the detail after it.
          expect(error.message).toMatch(/^\p{Script=Han}/u);
        });
      }
    }
  }
});
