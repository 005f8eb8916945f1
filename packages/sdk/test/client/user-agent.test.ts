import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../../src/client/sdk-version.js';
import { defaultUserAgent } from '../../src/client/user-agent.js';

describe('defaultUserAgent', () => {
  it('names the SDK version, the Node version and the platform', () => {
    expect(defaultUserAgent()).toBe(
      `wxpay-kit/${SDK_VERSION} (node ${process.versions.node}; ${process.platform})`,
    );
  });

  it('uses the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SDK_VERSION).toBe(pkg.version);
  });
});
