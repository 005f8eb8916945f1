import { MemoryPlatformCertificateStore, type PlatformCertificateStore } from '@wxpay-kit/sdk';
import { checkPlatformCertificateStore } from '@wxpay-kit/sdk/testing';
import { describe, expect, it } from 'vitest';

describe('MemoryPlatformCertificateStore', () => {
  it('meets the PlatformCertificateStore contract (its lock expires on the caller clock)', async () => {
    await checkPlatformCertificateStore(new MemoryPlatformCertificateStore(), {
      nowMs: 1_800_000_000_000,
      waitPastTtl: async () => {},
    });
  });
});

describe('checkPlatformCertificateStore', () => {
  it('fails a store whose lock can be taken twice', async () => {
    const memory = new MemoryPlatformCertificateStore();
    const broken: PlatformCertificateStore = {
      load: (mchid) => memory.load(mchid),
      save: (mchid, value) => memory.save(mchid, value),
      acquireRefreshLock: async () => ({ release: async () => {} }),
    };
    await expect(checkPlatformCertificateStore(broken, { waitPastTtl: async () => {} })).rejects.toThrow(
      /exactly one lock/,
    );
  });

  it('fails a store that hands out its own object (a caller could mutate the stored value)', async () => {
    const values = new Map<string, never>();
    const leaky: PlatformCertificateStore = {
      load: async (mchid) => values.get(mchid),
      save: async (mchid, value) => void values.set(mchid, value as never),
    };
    await expect(checkPlatformCertificateStore(leaky)).rejects.toThrow(/mutated/);
  });
});
