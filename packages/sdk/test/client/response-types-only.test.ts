import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedTestServer } from '../support/signed-test-server.js';
import { startTestServer, testClient } from '../support/test-client.js';

// Response schemas are types only: WeChat Pay adds fields and enum values over time, and a signed answer that
// does not match the catalogue's response type must still reach the caller as it came.
const answer = {
  out_authorization_no: 'auth-2025-001',
  state: 'A_STATE_ADDED_IN_2030',
  close_info: { close_reason: 'A_REASON_ADDED_IN_2030' },
  field_added_in_2030: { nested: [1, 2, 3] },
};

let server: SignedTestServer;
beforeAll(async () => {
  server = await startTestServer(() => ({ status: 200, body: answer }));
});
afterAll(() => server.close());

describe('responses are not validated at run time', () => {
  it('a signed answer with new enum values, new fields and missing documented members is returned as it came', async () => {
    const wxpay = testClient(server.baseUrl);
    const result = await wxpay.authorizations.get({ out_authorization_no: 'auth-2025-001' });
    expect(result).toEqual(answer);
  });
});
