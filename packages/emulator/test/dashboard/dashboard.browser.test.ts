import { WechatPay, WechatPayApiError } from '@wxpay-kit/sdk';
import { loadPrivateKey, signRequest } from '@wxpay-kit/sdk/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/index.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

// The dashboard in a real browser (support/chromium.ts says which, and why it may skip).

let emulator: RunningEmulator;
let browser: Browser;
let page: Page;
let ordinary: WechatPay;

beforeAll(async () => {
  emulator = await startEmulator({ asyncStepMs: 200 });
  ordinary = new WechatPay(emulator.clientOptions('ordinary'));
  browser = await launchChromium();
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: emulator.url });
  page = await context.newPage();
  page.on('pageerror', (error) => {
    throw error;
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

async function open(view: string): Promise<void> {
  await page.goto(`${emulator.url}/_emulator/dashboard/#/${view}`);
}

function apply(no: string) {
  return ordinary.authorizations.apply({
    out_authorization_no: no,
    appid: emulator.merchants.ordinary.appid,
    openid: `o-${no}`,
    transfer_scene_id: '1000',
    user_display_name: 'dashboard',
    user_recv_perception: '现金奖励',
    authorization_notify_url: 'http://127.0.0.1:9/notify',
  });
}

describe.skipIf(!hasChromium)('dashboard in Chromium', () => {
  it('is linked from GET / and refused to pages of other sites', async () => {
    const index = await fetch(`${emulator.url}/`, { headers: { accept: 'text/html' } });
    expect(await index.text()).toContain('/_emulator/dashboard/');
    const foreign = await fetch(`${emulator.url}/_emulator/dashboard/`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('shows the merchants, and copies an SDK configuration that works', async () => {
    await open('merchants');
    const card = page.locator('[data-merchant="ordinary"]');
    await expect.poll(() => card.textContent()).toContain(emulator.merchants.ordinary.mchid);
    await expect.poll(() => page.locator('[data-merchant]').count()).toBe(3);
    await card.locator('button[data-copy]').click();
    await expect.poll(() => card.locator('button[data-copy]').getAttribute('data-copied')).toBe('yes');
    // A second click replaces the snippet shown under the button rather than adding another.
    await card.locator('button[data-copy]').evaluate((button) => button.removeAttribute('data-copied'));
    await card.locator('button[data-copy]').click();
    await expect.poll(() => card.locator('button[data-copy]').getAttribute('data-copied')).toBe('yes');
    expect(await card.locator('pre.json').count()).toBe(1);
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    const options = JSON.parse(copied.slice(copied.indexOf('(') + 1, copied.lastIndexOf(')')));
    const fromDashboard = new WechatPay(options);
    await expect(fromDashboard.authorizations.get({ out_authorization_no: 'none' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lists resources live, shows a timeline, and a click on an action changes what the SDK sees', async () => {
    await open('resources/authorizations');
    await apply('dash1');
    const row = page.locator('tr[data-key="dash1"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.click();
    const detail = page.locator('[data-detail="dash1"]');
    await expect.poll(() => detail.textContent()).toContain('WAIT_USER_CONFIRM');
    expect(await detail.locator('[data-transition="∅→WAIT_USER_CONFIRM"]').textContent()).toContain(
      'merchant',
    );
    await page.locator('form[data-action="authorizations.confirm"] button[type=submit]').click();
    await expect
      .poll(async () => (await ordinary.authorizations.get({ out_authorization_no: 'dash1' })).state)
      .toBe('TAKING_EFFECT');
    const transition = detail.locator('[data-transition="WAIT_USER_CONFIRM→TAKING_EFFECT"]');
    await expect.poll(() => transition.count(), { timeout: 10_000 }).toBe(1);
    expect(await transition.textContent()).toContain('user');
    await expect.poll(() => detail.textContent()).toContain('MCHTRANSFER.AUTHORIZATION.CONFIRMED');
  });

  it('shows an action refused with the reason the control API gave', async () => {
    await open('resources/authorizations/dash1');
    const form = page.locator('form[data-action="authorizations.riskClose"]');
    await form.locator('textarea').fill('{"close_reason":"NOT_A_REASON"}');
    await form.locator('button[type=submit]').click();
    await expect
      .poll(() => form.locator('.error-text').textContent())
      .toContain('close_reason must be one of');
  });

  it('shows every delivery attempt of a notification, and redelivers it', async () => {
    const [notification] = await emulator.control.notifications.list({ resourceKey: 'dash1' });
    expect(notification).toBeDefined();
    await open(`notifications/${notification!.id}`);
    const panel = page.locator(`[data-notification="${notification!.id}"]`);
    await expect.poll(() => panel.textContent()).toContain('MCHTRANSFER.AUTHORIZATION.CONFIRMED');
    const before = (await emulator.control.notifications.get(notification!.id)).attempts.length;
    await panel.locator('button[data-redeliver]').click();
    await expect
      .poll(async () => (await emulator.control.notifications.get(notification!.id)).attempts.length)
      .toBe(before + 1);
    await expect.poll(() => panel.locator('tbody tr').count(), { timeout: 10_000 }).toBe(before + 1);
  });

  it('diagnoses a SIGN_ERROR on screen: what the client must have signed, and what it sent', async () => {
    const options = emulator.clientOptions('ordinary');
    const path = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/dash1';
    // The classic mistake: the query string left out of the signed URL.
    const signed = await signRequest({
      method: 'GET',
      url: path,
      body: '',
      mchid: options.mchid,
      serialNo: options.serialNo,
      privateKey: loadPrivateKey(options.privateKey),
    });
    const response = await fetch(`${emulator.url}${path}?debug=1`, {
      headers: { authorization: signed.authorization },
    });
    expect(response.status).toBe(401);
    const requestId = response.headers.get('request-id')!;
    await open(`requests/${requestId}`);
    const diagnosis = page.locator(`[data-diagnosis="${requestId}"]`);
    await expect.poll(() => diagnosis.count(), { timeout: 10_000 }).toBe(1);
    const text = await diagnosis.textContent();
    expect(text).toContain(`${path}?debug=1\\n`);
    expect(text).toContain(signed.nonce);
    expect(text).toMatch(/query/i);
    expect(await diagnosis.locator('.badge.ok').count()).toBeGreaterThanOrEqual(1);
  });

  it('moves the clock and shows what ran', async () => {
    await apply('dash2');
    await open('clock');
    await expect
      .poll(() => page.locator('section[data-view="clock"]').textContent())
      .toContain('authorizations.');
    await page.locator('button[data-advance="86400"]').click();
    await expect
      .poll(() => page.locator('[data-advanced]').textContent(), { timeout: 15_000 })
      .toMatch(/ran [1-9]\d* timer/);
    await expect
      .poll(async () => (await ordinary.authorizations.get({ out_authorization_no: 'dash2' })).state)
      .toBe('CLOSED');
  });

  it('arms a fault from a form, and the SDK gets that error', async () => {
    await open('faults');
    await page.locator('input[name=operation]').fill('authorizations.get');
    await page.locator('input[name=status]').fill('500');
    await page.locator('input[name=code]').fill('SYSTEM_ERROR');
    await page.locator('section[data-view="faults"] button[type=submit]').click();
    await expect
      .poll(() => page.locator('section[data-view="faults"] table').count(), { timeout: 10_000 })
      .toBe(1);
    const noRetry = new WechatPay({ ...emulator.clientOptions('ordinary'), retry: false });
    const error = await noRetry.authorizations
      .get({ out_authorization_no: 'dash1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayApiError);
    expect(error).toMatchObject({ status: 500, code: 'SYSTEM_ERROR' });
  });

  it('changes a setting', async () => {
    await open('settings');
    const editor = page.locator('textarea[name=settings]');
    await expect.poll(() => editor.inputValue()).toContain('asyncStepMs');
    await editor.fill('{"asyncStepMs": 4321}');
    await page.locator('section[data-view="settings"] button[type=submit]').click();
    await expect.poll(async () => (await emulator.control.settings.get())['asyncStepMs']).toBe(4321);
  });
});
