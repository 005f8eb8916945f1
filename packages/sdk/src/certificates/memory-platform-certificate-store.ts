import type {
  PlatformCertificateRefreshLock,
  PlatformCertificateStore,
  StoredPlatformCertificates,
} from './platform-certificate-store.js';

/**
 * The default store: one process. `structuredClone` on the way in and out, so a caller that mutates what it
 * loaded cannot change what the next caller sees (as with a real external store).
 */
export class MemoryPlatformCertificateStore implements PlatformCertificateStore {
  readonly #values = new Map<string, StoredPlatformCertificates>();
  /** mchid → lock token and its expiry (epoch ms). */
  readonly #locks = new Map<string, { token: symbol; expiresAtMs: number }>();

  async load(mchid: string): Promise<StoredPlatformCertificates | undefined> {
    const value = this.#values.get(mchid);
    return value === undefined ? undefined : structuredClone(value);
  }

  async save(mchid: string, value: StoredPlatformCertificates): Promise<void> {
    this.#values.set(mchid, structuredClone(value));
  }

  async acquireRefreshLock(
    mchid: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<PlatformCertificateRefreshLock | undefined> {
    const held = this.#locks.get(mchid);
    if (held && held.expiresAtMs > nowMs) return undefined;
    const token = Symbol(mchid);
    this.#locks.set(mchid, { token, expiresAtMs: nowMs + ttlMs });
    return {
      release: async () => {
        // Only the holder's own lock: after expiry another caller may hold a new one.
        if (this.#locks.get(mchid)?.token === token) this.#locks.delete(mchid);
      },
    };
  }
}
