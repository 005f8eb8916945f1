import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('dashboard assets', () => {
  it('the redirect to the trailing-slash address keeps ?token=, which the page needs on an open control API', async () => {
    h = await createHarness({ controlApi: 'open', controlToken: 'team-token-0123456789abcdef' });
    const res = await h.app.inject({
      method: 'GET',
      url: '/_emulator/dashboard?token=team-token-0123456789abcdef',
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/_emulator/dashboard/?token=team-token-0123456789abcdef');
    const plain = await h.app.inject({ method: 'GET', url: '/_emulator/dashboard' });
    expect(plain.headers.location).toBe('/_emulator/dashboard/');
  });

  it('serves the page and modules without the token when open (they hold no data), but no other file', async () => {
    h = await createHarness({ controlApi: 'open', controlToken: 'team-token-0123456789abcdef' });
    for (const file of ['', 'app.js', 'views.js', 'render.js', 'style.css']) {
      const res = await h.app.inject({ method: 'GET', url: `/_emulator/dashboard/${file}` });
      expect(res.statusCode, file).toBe(200);
    }
    expect(
      (await h.app.inject({ method: 'GET', url: '/_emulator/dashboard/..%2Fpackage.json' })).statusCode,
    ).toBe(404);
    // The data behind the page still needs the token.
    expect((await h.app.inject({ method: 'GET', url: '/_emulator/merchants' })).statusCode).toBe(401);
  });

  it('in loopback mode, refuses the page to another host like the control API', async () => {
    h = await createHarness();
    const res = await h.app.inject({
      method: 'GET',
      url: '/_emulator/dashboard/',
      remoteAddress: '10.0.0.7',
    });
    expect(res.statusCode).toBe(403);
  });
});
