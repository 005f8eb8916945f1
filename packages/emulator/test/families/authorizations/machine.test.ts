import { describe, expect, it } from 'vitest';
import {
  type AuthorizationEvent,
  type AuthorizationEventName,
  type AuthorizationMachineRecord,
  type AuthorizationState,
  applyRow,
  type CloseReason,
  canTransition,
  grantRow,
  states,
  transition,
  transitions,
} from '../../../src/families/authorizations/machine.js';
import { errorOf } from '../support/family-harness.js';

const NOW = 1_747_713_600_000;
const AUTHORIZATION_ID = '201202505200000000000000001';

const EVENTS: Record<AuthorizationEventName, AuthorizationEvent> = {
  confirm: { type: 'confirm', authorizationId: AUTHORIZATION_ID },
  overdue: { type: 'overdue' },
  close: { type: 'close' },
  revoke: { type: 'revoke' },
  riskClose: { type: 'riskClose', reason: 'USER_ACCOUNT_ABNORMAL' },
  purge: { type: 'purge' },
};

const CLOSE_REASONS: CloseReason[] = [
  'CLOSE_VIA_MCH_API',
  'USER_CLOSE',
  'USER_OVERDUE_UNCONFIRMED',
  'TRANSFER_RISK',
  'USER_ACCOUNT_ABNORMAL',
];

/** One record per state, and one per close reason for CLOSED (guards read the close reason). */
function samples(): AuthorizationMachineRecord[] {
  const base = { outAuthorizationNo: 'plfk2020042013' };
  return [
    { ...base, state: 'WAIT_USER_CONFIRM' },
    { ...base, state: 'TAKING_EFFECT', authorizationId: AUTHORIZATION_ID, authorizeTime: NOW - 1000 },
    ...CLOSE_REASONS.map(
      (closeReason): AuthorizationMachineRecord => ({
        ...base,
        state: 'CLOSED',
        closeReason,
        closeTime: NOW - 500,
      }),
    ),
  ];
}

/** The spec's diagram (P2.1) plus its suggested rules for the UNCONFIRMED points, written out by hand. */
const SPEC: {
  from: AuthorizationState;
  event: AuthorizationEventName;
  /** null: the record is deleted. */
  to: AuthorizationState | null;
  actor: string;
  closeReason?: CloseReason;
  notify?: string;
}[] = [
  { from: 'WAIT_USER_CONFIRM', event: 'confirm', to: 'TAKING_EFFECT', actor: 'user', notify: 'CONFIRMED' },
  {
    from: 'WAIT_USER_CONFIRM',
    event: 'overdue',
    to: 'CLOSED',
    actor: 'timer',
    closeReason: 'USER_OVERDUE_UNCONFIRMED',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'close',
    to: 'CLOSED',
    actor: 'merchant',
    closeReason: 'CLOSE_VIA_MCH_API',
    notify: 'CLOSED',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'revoke',
    to: 'CLOSED',
    actor: 'user',
    closeReason: 'USER_CLOSE',
    notify: 'CLOSED',
  },
  {
    from: 'TAKING_EFFECT',
    event: 'riskClose',
    to: 'CLOSED',
    actor: 'system',
    closeReason: 'USER_ACCOUNT_ABNORMAL',
  },
  // Overdue-closed records are queryable for 30 days, then gone (A2 page).
  { from: 'CLOSED', event: 'purge', to: null, actor: 'timer', closeReason: 'USER_OVERDUE_UNCONFIRMED' },
];

describe('authorizations machine', () => {
  it('lists the three states of the spec', () => {
    expect([...states]).toEqual(['WAIT_USER_CONFIRM', 'TAKING_EFFECT', 'CLOSED']);
  });

  it('A3 before the user agreed is refused: the diagram closes TAKING_EFFECT records only', () => {
    const error = errorOf(() =>
      transition(
        { outAuthorizationNo: 'plfk2020042013', state: 'WAIT_USER_CONFIRM' },
        { type: 'close' },
        NOW,
      ),
    );
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('is WAIT_USER_CONFIRM: cannot be closed (allowed in TAKING_EFFECT');
  });

  it('an authorization agreed on a transfer confirm page (A4) appears in effect, notifying CONFIRMED', () => {
    expect(grantRow).toMatchObject({
      from: null,
      event: 'grant',
      to: 'TAKING_EFFECT',
      actor: 'user',
      notify: 'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
    });
  });

  it('creates records in WAIT_USER_CONFIRM by the merchant (A1) with a 24 h overdue timer', () => {
    expect(applyRow).toMatchObject({ from: null, to: 'WAIT_USER_CONFIRM', actor: 'merchant' });
    expect(applyRow.schedule).toEqual([{ kind: 'overdue', afterMs: 24 * 60 * 60 * 1000 }]);
  });

  it.each(SPEC.filter((spec) => spec.to !== null))('$from --$event ($actor)--> $to', (spec) => {
    const record = samples().find((r) => r.state === spec.from)!;
    const { record: next, row } = transition(record, EVENTS[spec.event], NOW);
    expect(row.actor).toBe(spec.actor);
    expect(next.state).toBe(spec.to);
    expect(next.closeReason).toBe(spec.closeReason);
    expect(next.closeTime).toBe(spec.closeReason === undefined ? undefined : NOW);
    expect(row.notify).toBe(spec.notify && `MCHTRANSFER.AUTHORIZATION.${spec.notify}`);
    expect(record.state).toBe(spec.from); // the input is not mutated
  });

  it('purge (timer) deletes an overdue-closed record: the row goes to null and the record comes back as it was', () => {
    const overdue = samples().find((r) => r.closeReason === 'USER_OVERDUE_UNCONFIRMED')!;
    const step = transition(overdue, { type: 'purge' }, NOW);
    expect(step.row).toMatchObject({ from: 'CLOSED', to: null, actor: 'timer' });
    expect(step.record).toBe(overdue);
  });

  it('sets authorization_id and authorize_time only when the user confirms', () => {
    const { record } = transition(samples()[0]!, EVENTS.confirm, NOW);
    expect(record).toMatchObject({ authorizationId: AUTHORIZATION_ID, authorizeTime: NOW });
  });

  it('keeps authorization_id and authorize_time when a confirmed authorization closes', () => {
    const confirmed = samples()[1]!;
    const { record } = transition(confirmed, { type: 'close' }, NOW);
    expect(record).toMatchObject({ authorizationId: AUTHORIZATION_ID, authorizeTime: NOW - 1000 });
  });

  it('risk close takes its reason from the event', () => {
    const { record } = transition(samples()[1]!, { type: 'riskClose', reason: 'TRANSFER_RISK' }, NOW);
    expect(record.closeReason).toBe('TRANSFER_RISK');
  });

  it('closing again a record closed via the API is idempotent: same record, no notification', () => {
    const closed = samples().find((r) => r.closeReason === 'CLOSE_VIA_MCH_API')!;
    const step = transition(closed, { type: 'close' }, NOW);
    expect(step.record).toBe(closed);
    expect(step.row.idempotent).toBe(true);
    expect(step.row.notify).toBeUndefined();
  });

  it('every row of the table is either in the spec list or the idempotent repeat of A3', () => {
    const listed = transitions.filter((t) => t.from !== null && !t.idempotent);
    expect(listed.map((t) => `${t.from} ${t.event} ${t.to} ${t.actor}`).sort()).toEqual(
      SPEC.map((s) => `${s.from} ${s.event} ${s.to} ${s.actor}`).sort(),
    );
  });

  // Generated from the table: every (sample, event) pair either has a row, which must apply, or is refused.
  for (const record of samples()) {
    for (const name of Object.keys(EVENTS) as AuthorizationEventName[]) {
      const label = `${record.state}${record.closeReason ? `/${record.closeReason}` : ''} + ${name}`;
      const row = transitions.find(
        (t) => t.from === record.state && t.event === name && (t.when?.(record) ?? true),
      );
      if (row) {
        it(`${label}: allowed → ${row.to ?? 'deleted'}`, () => {
          expect(canTransition(record, name)).toBe(true);
          expect(transition(record, EVENTS[name], NOW).record.state).toBe(row.to ?? record.state);
        });
      } else {
        it(`${label}: refused with 400 INVALID_REQUEST naming the state`, () => {
          expect(canTransition(record, name)).toBe(false);
          const error = errorOf(() => transition(record, EVENTS[name], NOW));
          expect([error.status, error.code]).toEqual([400, 'INVALID_REQUEST']);
          expect(error.message).toContain(`plfk2020042013 is ${record.state}`);
          // WeChat's words first: a plain Chinese message, the detail after it.
          expect(error.message).toMatch(/^\p{Script=Han}/u);
          if (record.closeReason) expect(error.message).toContain(record.closeReason);
        });
      }
    }
  }

  it('only overdue-closed records are purgeable', () => {
    expect(
      samples()
        .filter((r) => canTransition(r, 'purge'))
        .map((r) => r.closeReason),
    ).toEqual(['USER_OVERDUE_UNCONFIRMED']);
  });
});
