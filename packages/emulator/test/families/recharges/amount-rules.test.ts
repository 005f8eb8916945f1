import { describe, expect, it } from 'vitest';
import { expectApiError, PLATFORM } from '../support/family-harness.js';
import { apply, applyBody, get, rechargeHarness } from './support.js';

/**
 * The catalogue takes recharge_amount's members as the apply page marks them (选填, currency string(16)); the
 * emulator answers what it cannot create a recharge from (docs/fidelity.md).
 */
describe('recharges.apply: the emulator’s own amount and channel rules', () => {
  const refused = (recharge_amount: Record<string, unknown>) =>
    expectApiError(
      () =>
        rechargeHarness().call('recharges.apply', { caller: PLATFORM, body: applyBody({ recharge_amount }) }),
      400,
      'PARAM_ERROR',
    );

  it('takes an absent currency as CNY', () => {
    const h = rechargeHarness();
    apply(h, { recharge_amount: { amount: 100 } });
    expect(get(h)['recharge_amount']).toEqual({ amount: 100, currency: 'CNY' });
  });

  it('refuses another currency: 仅支持CNY', () => {
    const error = refused({ amount: 100, currency: 'USD' });
    expect(error.detail).toMatchObject({
      field: '/recharge_amount/currency',
      value: 'USD',
      location: 'body',
    });
    expect(error.message).toContain('CNY');
  });

  it('needs an amount of at least 1 fen', () => {
    expect(refused({ currency: 'CNY' }).detail).toMatchObject({ field: '/recharge_amount/amount' });
    expect(refused({}).detail?.issue).toContain('required');
    expect(refused({ amount: 0, currency: 'CNY' }).detail).toMatchObject({
      field: '/recharge_amount/amount',
      value: 0,
    });
  });

  it('refuses an empty channel list and a channel listed twice', () => {
    const channels = (available_recharge_channels: string[]) =>
      expectApiError(
        () =>
          rechargeHarness().call('recharges.apply', {
            caller: PLATFORM,
            body: applyBody({ available_recharge_channels }),
          }),
        400,
        'PARAM_ERROR',
      ).detail;
    expect(channels([])).toMatchObject({ field: '/available_recharge_channels' });
    expect(channels(['QR_RECHARGE', 'ONLINE_BANK', 'QR_RECHARGE'])).toMatchObject({
      field: '/available_recharge_channels/2',
      value: 'QR_RECHARGE',
    });
  });
});
