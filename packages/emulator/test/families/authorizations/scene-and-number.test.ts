import { describe, expect, it } from 'vitest';
import { expectApiError } from '../support/family-harness.js';
import { apply, entity, environment, get } from './support.js';

describe('authorizations.apply: what the catalogue no longer refuses', () => {
  it.each(['auth-2025-001', 'auth_2025_001', '授权2025'])(
    'takes out_authorization_no %s (no page restricts its characters)',
    (no) => {
      const env = environment();
      apply(env, { out_authorization_no: no });
      expect(entity(get(env, no))).toMatchObject({ out_authorization_no: no, state: 'WAIT_USER_CONFIRM' });
    },
  );

  it('answers a scene the merchant does not have with 403 NO_AUTH', () => {
    const error = expectApiError(() => apply(environment(), { transfer_scene_id: '1006' }), 403, 'NO_AUTH');
    expect(error.detail).toMatchObject({ field: '/transfer_scene_id', value: '1006' });
  });
});
