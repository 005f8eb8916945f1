import { describe, expect, it } from 'vitest';
import { authorizationsFamily } from '../../../src/families/authorizations/index.js';
import { errorOf, START_MS } from '../support/family-harness.js';
import { apply, close, entity, environment, get, userAction } from './support.js';

const DAY = 24 * 60 * 60 * 1000;

describe('authorizations timers', () => {
  it('closes an unconfirmed authorization after exactly 24 h as USER_OVERDUE_UNCONFIRMED, without notifying', () => {
    const env = environment();
    apply(env);
    expect(env.advanceBy(DAY - 1)).toEqual([]);
    expect(entity(get(env)).state).toBe('WAIT_USER_CONFIRM');
    expect(env.advanceBy(1).map((t) => t.kind)).toEqual(['overdue']);
    expect(entity(get(env))).toMatchObject({
      state: 'CLOSED',
      close_info: { close_time: '2025-05-21T12:00:00.000+08:00', close_reason: 'USER_OVERDUE_UNCONFIRMED' },
    });
    expect(env.notifications()).toEqual([]);
  });

  it('dates the close at the deadline even when the timer runs late', () => {
    const env = environment();
    apply(env);
    env.clock.advance(3 * DAY);
    expect(env.runDue().map((t) => t.kind)).toEqual(['overdue']);
    expect(entity(get(env))).toMatchObject({ close_info: { close_time: '2025-05-21T12:00:00.000+08:00' } });
  });

  it('keeps an overdue-closed record queryable for 30 days, then answers 404 and frees the number', () => {
    const env = environment();
    apply(env);
    env.advanceBy(DAY);
    expect(errorOf(() => apply(env)).code).toBe('INVALID_REQUEST');
    env.advanceBy(30 * DAY - 1);
    expect(entity(get(env)).state).toBe('CLOSED');
    env.advanceBy(1);
    expect(errorOf(() => get(env))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: '免确认收款授权不存在',
    });
    const again = entity(apply(env));
    expect(again).toMatchObject({ state: 'WAIT_USER_CONFIRM', create_time: '2025-06-20T12:00:00.000+08:00' });
  });

  it('runs close and purge in order when the clock jumps past both deadlines', () => {
    const env = environment();
    apply(env);
    expect(env.advanceBy(40 * DAY).map((t) => [t.kind, t.dueAt])).toEqual([
      ['overdue', START_MS + DAY],
      ['purge', START_MS + 31 * DAY],
    ]);
    expect(errorOf(() => get(env)).code).toBe('NOT_FOUND');
  });

  it('the overdue timer does nothing once the user agreed', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    env.advanceBy(2 * DAY);
    expect(entity(get(env)).state).toBe('TAKING_EFFECT');
  });

  it('records closed otherwise are never purged', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    close(env);
    env.advanceBy(60 * DAY);
    expect(entity(get(env)).state).toBe('CLOSED');
    expect(env.timers().map((t) => t.kind)).toEqual(['overdue']);
  });

  it('a stale purge timer does not remove a record that reuses the number', () => {
    const env = environment();
    apply(env);
    env.advanceBy(31 * DAY);
    apply(env);
    const purge = env.timers().find((t) => t.kind === 'purge')!;
    env.inTransaction(() => authorizationsFamily.timers['purge']!(env.deps, purge));
    expect(entity(get(env)).state).toBe('WAIT_USER_CONFIRM');
  });

  it('a timer for a record that no longer exists is a no-op', () => {
    const env = environment();
    const run = () =>
      env.inTransaction(() =>
        authorizationsFamily.timers['overdue']!(env.deps, {
          id: 99,
          family: 'authorizations',
          kind: 'overdue',
          ref: 'x',
          dueAt: START_MS,
          payload: { id: 12345 },
        }),
      );
    expect(run).not.toThrow();
    expect(env.runDue()).toEqual([]);
  });
});
