import { authorizationsFamily } from '../../../src/families/authorizations/index.js';
import type { EmulatorSettings } from '../../../src/families/family.js';
import {
  callControl,
  callOperation,
  createFakeEnvironment,
  type FakeEnvironment,
  ORDINARY,
} from '../support/fake-deps.js';

export function environment(settings: Partial<EmulatorSettings> = {}): FakeEnvironment {
  return createFakeEnvironment(authorizationsFamily, settings);
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

export function apply(env: FakeEnvironment, overrides: Record<string, unknown> = {}) {
  return callOperation(env, 'authorizations.apply', { caller: ORDINARY, body: applyBody(overrides) });
}

export function get(env: FakeEnvironment, outNo = 'plfk2020042013', caller = ORDINARY) {
  return callOperation(env, 'authorizations.get', { caller, params: { out_authorization_no: outNo } });
}

export function close(env: FakeEnvironment, outNo = 'plfk2020042013') {
  return callOperation(env, 'authorizations.close', {
    caller: ORDINARY,
    params: { out_authorization_no: outNo },
  });
}

export function userAction(
  env: FakeEnvironment,
  action: 'confirm' | 'revoke' | 'risk-close',
  outNo = 'plfk2020042013',
  body?: unknown,
) {
  return callControl(
    env,
    `/:mchid/:out_authorization_no/${action}`,
    { mchid: ORDINARY, out_authorization_no: outNo },
    body,
  );
}

export function entity(result: { body?: unknown }): Record<string, unknown> {
  return result.body as Record<string, unknown>;
}
