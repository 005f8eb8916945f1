import { operationNames } from '@wxpay-kit/sdk/catalogue';
import type { FamilyDeps, FamilyModule, OperationCall, OperationHandler } from '../../src/families/family.js';
import { ApiError } from '../../src/wire/api-error.js';

/**
 * A tiny family for framework tests, so they do not depend on the real families. Every catalogue operation
 * echoes what the framework handed it; `recharges.apply` also stores a row and schedules an expiry timer, and
 * a control action "pays" a row. Table: `test_items`.
 */
function echo(_deps: FamilyDeps, call: OperationCall) {
  return {
    status: 200,
    body: {
      operation: call.operation.name,
      caller: { mchid: call.caller.mchid, role: call.caller.role, kind: call.caller.merchant.kind },
      params: call.params,
      query: call.query,
      body: call.body ?? null,
    },
  };
}

const apply: OperationHandler = (deps, call) => {
  const { out_recharge_no: no, notify_url: notifyUrl, sub_mchid: sub } = call.body as Record<string, string>;
  if (no === 'BOOM') {
    // Written, then thrown: the transaction must roll the insert back.
    deps.db
      .prepare('INSERT INTO test_items (no, mchid, state, updated_at) VALUES (?, ?, ?, ?)')
      .run(no, call.caller.mchid, 'RECHARGING', deps.clock.now());
    throw new Error('handler crashed after writing');
  }
  if (no === 'REFUSED') throw new ApiError(400, 'INVALID_REQUEST', 'refused by the test family');
  deps.db
    .prepare('INSERT INTO test_items (no, mchid, state, notify_url, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run(no, call.caller.mchid, 'RECHARGING', notifyUrl ?? null, deps.clock.now());
  const id = deps.newId('1000', 27);
  deps.schedule({
    family: 'recharges',
    kind: 'expire',
    ref: no!,
    dueAt: deps.clock.now() + 60_000,
    payload: { sub },
  });
  return {
    status: 200,
    body: { recharge_id: id, out_recharge_no: no, recharge_url: 'https://example.invalid/pay' },
  };
};

const operations: Record<string, OperationHandler> = Object.fromEntries(
  operationNames.map((name) => [name, echo]),
);
operations['recharges.apply'] = apply;

export const testFamily: FamilyModule = {
  family: 'recharges',
  migrate(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS test_items (
      no TEXT PRIMARY KEY, mchid TEXT NOT NULL, state TEXT NOT NULL, notify_url TEXT, updated_at INTEGER NOT NULL
    )`);
  },
  operations,
  timers: {
    expire(deps, timer) {
      const row = deps.db.prepare('SELECT * FROM test_items WHERE no = ?').get(timer.ref) as
        | { no: string; mchid: string; state: string; notify_url: string | null }
        | undefined;
      if (row?.state !== 'RECHARGING') return;
      deps.db
        .prepare('UPDATE test_items SET state = ?, updated_at = ? WHERE no = ?')
        .run('CLOSED', deps.clock.now(), row.no);
      if (row.notify_url) {
        deps.notify({
          mchid: row.mchid,
          url: row.notify_url,
          eventType: 'RECHARGE.CLOSED',
          summary: '充值关闭',
          originalType: 'recharge',
          associatedData: 'recharge',
          resource: {
            out_recharge_no: row.no,
            recharge_state: 'CLOSED',
            close_time: deps.formatTime(deps.clock.now()),
          },
          family: 'recharges',
          resourceKey: row.no,
        });
      }
    },
    crash() {
      throw new Error('timer handler crashed');
    },
  },
  control: [
    {
      method: 'POST',
      path: '/:no/pay',
      summary: 'the payer pays the recharge',
      actor: 'user',
      handler(deps, request) {
        const row = deps.db.prepare('SELECT state FROM test_items WHERE no = ?').get(request.params.no) as
          | { state: string }
          | undefined;
        if (!row) throw new ApiError(404, 'NOT_FOUND', `no item ${request.params.no}`);
        if (row.state !== 'RECHARGING') throw new ApiError(400, 'INVALID_REQUEST', `item is ${row.state}`);
        deps.db
          .prepare('UPDATE test_items SET state = ?, updated_at = ? WHERE no = ?')
          .run('SUCCESS', deps.clock.now(), request.params.no);
        return { status: 200, body: { no: request.params.no, state: 'SUCCESS', body: request.body ?? null } };
      },
    },
  ],
  inspect: {
    list(deps, filter) {
      return filter.mchid === undefined
        ? deps.db.prepare('SELECT * FROM test_items ORDER BY no').all()
        : deps.db.prepare('SELECT * FROM test_items WHERE mchid = ? ORDER BY no').all(filter.mchid);
    },
  },
};
