import { authorizationsFamily } from '../../../src/families/authorizations/index.js';
import type { EmulatorSettings } from '../../../src/families/family.js';
import { FamilyHarness, ORDINARY } from '../support/family-harness.js';

export function environment(settings: Partial<EmulatorSettings> = {}): FamilyHarness {
  return new FamilyHarness(authorizationsFamily, settings);
}

export function applyBody(overrides: Record<string, unknown> = {}) {
  return {
    out_authorization_no: 'plfk2020042013',
    appid: 'wx8888888888888888',
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_scene_id: '1000',
    user_display_name: 'wx_123456',
    user_recv_perception: '现金奖励',
    authorization_notify_url: 'https://merchant.example.com/authorization-notify',
    ...overrides,
  };
}

export function apply(env: FamilyHarness, overrides: Record<string, unknown> = {}) {
  return env.call('authorizations.apply', { caller: ORDINARY, body: applyBody(overrides) });
}

export function get(env: FamilyHarness, outNo = 'plfk2020042013', caller = ORDINARY) {
  return env.call('authorizations.get', { caller, params: { out_authorization_no: outNo } });
}

export function close(env: FamilyHarness, outNo = 'plfk2020042013') {
  return env.call('authorizations.close', {
    caller: ORDINARY,
    params: { out_authorization_no: outNo },
  });
}

export function userAction(
  env: FamilyHarness,
  action: 'confirm' | 'revoke' | 'risk-close',
  outNo = 'plfk2020042013',
  body?: unknown,
) {
  return env.control(
    'POST',
    `/:mchid/:out_authorization_no/${action}`,
    { mchid: ORDINARY, out_authorization_no: outNo },
    body,
  );
}

export function entity(result: { body?: unknown }): Record<string, unknown> {
  return result.body as Record<string, unknown>;
}
