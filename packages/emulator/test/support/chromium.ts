import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// The dashboard's browser tests run in Debian's Chromium, driven by playwright-core (which downloads no browser;
// `.ci/run` installs chromium). A machine without it skips them loudly, and CI (CI=true) fails instead.
const CHROMIUM = '/usr/bin/chromium';

export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `dashboard browser tests: ${CHROMIUM} not found (apt-get install chromium)`;
  if (process.env['CI']) throw new Error(`${message}; CI must run them`);
  console.warn(`\n!!! SKIPPED ${message}\n`);
}

/** Headless, a fresh empty profile, and none of Chromium's own network traffic (this machine has no network). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
