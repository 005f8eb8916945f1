import { WechatPay } from '@wxpay-kit/sdk';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

// The dashboard of a shared instance (--control-api open): the page and its modules load without the token, and
// every call behind them needs it.
const TOKEN = 'dashboard-open-token-0123456789';

let emulator: RunningEmulator;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  emulator = await startEmulator({ controlApi: 'open', controlToken: TOKEN });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

describe.skipIf(!hasChromium)('dashboard of an open control API, in Chromium', () => {
  it('opened with ?token= (also without the trailing slash) shows the data, and keeps the token off the address bar', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${emulator.url}/_emulator/dashboard?token=${TOKEN}#/merchants`);
    await expect.poll(() => page.locator('[data-merchant]').count()).toBe(3);
    expect(page.url()).not.toContain(TOKEN);
    // The token lives on for this tab: a reload still works.
    await page.reload();
    await expect.poll(() => page.locator('[data-merchant]').count()).toBe(3);
  });

  it('without the token says so on the page, instead of an empty view', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${emulator.url}/_emulator/dashboard/#/merchants`);
    const notice = page.locator('[data-notice="token"]');
    await expect.poll(() => notice.textContent()).toContain('?token=');
    expect(await page.locator('[data-merchant]').count()).toBe(0);
  });

  it('a timeline that cannot be read says so, instead of looking like a resource without history', async () => {
    const ordinary = new WechatPay(emulator.clientOptions('ordinary'));
    await ordinary.authorizations.apply({
      out_authorization_no: 'open1',
      appid: emulator.merchants.ordinary.appid,
      openid: 'o-open1',
      transfer_scene_id: '1000',
      user_display_name: 'dashboard',
      user_recv_perception: '现金奖励',
      authorization_notify_url: 'http://127.0.0.1:9/notify',
    });
    const page = await (await browser.newContext()).newPage();
    // The emulator cannot be made to fail this read for real: the browser answers it with a 500 instead.
    await page.route('**/timeline*', (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"code":"SYSTEM_ERROR","message":"disk I/O error"}',
      }),
    );
    await page.goto(`${emulator.url}/_emulator/dashboard/?token=${TOKEN}#/resources/authorizations/open1`);
    const detail = page.locator('[data-detail="open1"]');
    await expect
      .poll(() => detail.locator('[data-error="timeline"]').textContent())
      .toContain('disk I/O error');
  });
});
