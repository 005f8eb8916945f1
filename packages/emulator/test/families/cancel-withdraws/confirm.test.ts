import { describe, expect, it } from 'vitest';
import { expectApiError, OTHER_PLATFORM, OTHER_SUB, SUB_B } from '../support/family-harness.js';
import {
  ASYNC_STEP_MS,
  act,
  apply,
  applyBody,
  cancelHarness,
  confirm,
  confirmBody,
  getById,
  inReview,
  stateOf,
  THIRTY_DAYS,
  waitingForConfirmation,
} from './support.js';

describe('cancelWithdraws.confirm', () => {
  it('moves WAITING_MERCHANT_CONFIRM to SYSTEM_PROCESSING and answers the seed-002 shape', () => {
    const h = cancelHarness();
    const { applyment_id, out_request_no } = waitingForConfirmation(h);
    const result = confirm(h, confirmBody({ applyment_id }));
    expect(result).toEqual({ status: 200, body: { applyment_id, sub_mchid: '1900001121', out_request_no } });
    expect(Object.keys(result.body as object)).toEqual(['applyment_id', 'sub_mchid', 'out_request_no']);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'SYSTEM_PROCESSING',
      cancel_state_description: '系统处理中',
    });
  });

  it('stores operator_identification, confirm_time and cancel_contract_version with the application', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    h.advanceBy(60_000);
    confirm(h, confirmBody({ applyment_id }, { operator_identification: '运营张三01' }));
    const view = h.control('GET', '/:mchid/:applyment_id', { mchid: '1900001109', applyment_id }).body;
    expect(view).toMatchObject({
      confirmation: {
        by: 'platform',
        operator_identification: '运营张三01',
        confirm_time: '2025-05-20T12:00:05.000+08:00',
        cancel_contract_version: 'V20241213',
        confirmed_at: '2025-05-20T12:01:03.000+08:00',
      },
    });
  });

  it('accepts out_request_no alone', () => {
    const h = cancelHarness();
    const { applyment_id, out_request_no } = waitingForConfirmation(h);
    expect(confirm(h, confirmBody({ out_request_no })).body).toMatchObject({ applyment_id });
    expect(stateOf(h, applyment_id)).toBe('SYSTEM_PROCESSING');
  });

  it('accepts both ids when they name the same application', () => {
    const h = cancelHarness();
    const ids = waitingForConfirmation(h);
    expect(confirm(h, confirmBody(ids)).status).toBe(200);
    expect(stateOf(h, ids.applyment_id)).toBe('SYSTEM_PROCESSING');
  });

  it('refuses both ids naming different applications: 400 PARAM_ERROR on /out_request_no, nothing confirmed', () => {
    const h = cancelHarness();
    const mine = waitingForConfirmation(h);
    const other = waitingForConfirmation(h, { out_request_no: 'P2', sub_mchid: SUB_B });
    const error = expectApiError(
      () =>
        confirm(h, confirmBody({ applyment_id: mine.applyment_id, out_request_no: other.out_request_no })),
      400,
      'PARAM_ERROR',
    );
    expect(error.detail).toMatchObject({ field: '/out_request_no', value: 'P2', location: 'body' });
    expect(error.detail?.issue).toContain('different applications');
    expect(error.detail?.issue).toContain(other.applyment_id);
    expect(stateOf(h, mine.applyment_id)).toBe('WAITING_MERCHANT_CONFIRM');
    expect(stateOf(h, other.applyment_id)).toBe('WAITING_MERCHANT_CONFIRM');
  });

  it('refuses an applyment_id with an out_request_no that names nothing: PARAM_ERROR', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const error = expectApiError(
      () => confirm(h, confirmBody({ applyment_id, out_request_no: 'nosuch' })),
      400,
      'PARAM_ERROR',
    );
    expect(error.detail?.issue).toContain('names no application');
  });

  it('is 404 NOT_FOUND for an unknown application, or another platform’s', () => {
    const h = cancelHarness();
    expectApiError(() => confirm(h, confirmBody({ applyment_id: '999' })), 404, 'NOT_FOUND');
    expectApiError(() => confirm(h, confirmBody({ out_request_no: 'nosuch' })), 404, 'NOT_FOUND');
    expectApiError(
      () => confirm(h, confirmBody({ applyment_id: '998', out_request_no: 'nosuch2' })),
      404,
      'NOT_FOUND',
    );
    const theirs = h.call('cancelWithdraws.apply', {
      caller: OTHER_PLATFORM,
      body: applyBody({ sub_mchid: OTHER_SUB }),
    }).body as { applyment_id: string };
    h.advanceBy(ASYNC_STEP_MS);
    expectApiError(() => confirm(h, confirmBody({ applyment_id: theirs.applyment_id })), 404, 'NOT_FOUND');
  });

  it('is 404 NOT_FOUND when sub_mchid is not the application’s', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const error = expectApiError(
      () => confirm(h, confirmBody({ applyment_id }, { sub_mchid: SUB_B })),
      404,
      'NOT_FOUND',
    );
    expect(error.detail).toMatchObject({ field: '/sub_mchid', value: SUB_B });
    expect(stateOf(h, applyment_id)).toBe('WAITING_MERCHANT_CONFIRM');
  });

  it('the same confirmation again succeeds again, also after the application moved on', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const first = confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(ASYNC_STEP_MS);
    expect(stateOf(h, applyment_id)).toBe('CANCELED');
    expect(confirm(h, confirmBody({ applyment_id }))).toEqual(first);
    h.advanceBy(10 * ASYNC_STEP_MS);
    expect(confirm(h, confirmBody({ applyment_id }))).toEqual(first);
    expect(stateOf(h, applyment_id)).toBe('FINISH');
  });

  it('a different confirmation after a successful one is 403 RULE_LIMIT 无需确认', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    const error = expectApiError(
      () => confirm(h, confirmBody({ applyment_id }, { cancel_contract_version: 'V20250101' })),
      403,
      'RULE_LIMIT',
    );
    expect(error.message).toMatch(/^无需确认/);
    const view = h.control('GET', '/:mchid/:applyment_id', { mchid: '1900001109', applyment_id }).body;
    expect(view).toMatchObject({ confirmation: { cancel_contract_version: 'V20241213' } });
  });

  it('after the sub-merchant’s staff confirmed it is 403 RULE_LIMIT', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    act(h, 'staff-confirm', applyment_id);
    expectApiError(() => confirm(h, confirmBody({ applyment_id })), 403, 'RULE_LIMIT');
  });

  it('after approval of a reviewed application (no confirmation needed) it is 403 RULE_LIMIT', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    act(h, 'approve', applyment_id);
    expectApiError(() => confirm(h, confirmBody({ applyment_id })), 403, 'RULE_LIMIT');
  });

  describe('not waiting for merchant confirmation: 400 NO_AUTH 请求非法', () => {
    it('ACCEPTED', () => {
      const h = cancelHarness();
      const { applyment_id } = apply(h);
      const error = expectApiError(() => confirm(h, confirmBody({ applyment_id })), 400, 'NO_AUTH');
      expect(error.message).toMatch(/^请求非法/);
      expect(error.message).toContain('is ACCEPTED, not WAITING_MERCHANT_CONFIRM');
      expect(stateOf(h, applyment_id)).toBe('ACCEPTED');
    });

    it('REVIEWING', () => {
      const h = cancelHarness();
      const { applyment_id } = inReview(h);
      expect(
        expectApiError(() => confirm(h, confirmBody({ applyment_id })), 400, 'NO_AUTH').message,
      ).toContain('REVIEWING');
    });

    it('REJECTED', () => {
      const h = cancelHarness();
      const { applyment_id } = inReview(h);
      act(h, 'reject', applyment_id);
      expectApiError(() => confirm(h, confirmBody({ applyment_id })), 400, 'NO_AUTH');
    });

    it('REVOKED', () => {
      const h = cancelHarness();
      const { applyment_id } = waitingForConfirmation(h);
      h.advanceBy(THIRTY_DAYS);
      expect(stateOf(h, applyment_id)).toBe('REVOKED');
      expectApiError(() => confirm(h, confirmBody({ applyment_id })), 400, 'NO_AUTH');
    });
  });

  it('sends no notification', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(10 * ASYNC_STEP_MS);
    expect(h.notifications()).toEqual([]);
  });
});
