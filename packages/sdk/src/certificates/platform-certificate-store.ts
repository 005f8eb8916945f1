/**
 * One entry of `GET /v3/certificates` `data[]`, field names as WeChat Pay spells them. The certificate stays
 * encrypted under the merchant's APIv3 key (AEAD_AES_256_GCM, associated data `certificate`).
 */
export interface PlatformCertificateEntry {
  /** Upper-case hex serial of the certificate inside `ciphertext`. */
  serial_no: string;
  /** RFC 3339, e.g. `2018-06-08T10:34:56+08:00`. */
  effective_time: string;
  /** RFC 3339. WeChat Pay shortens it 24 h before a rotation; it may differ from the PEM's own notAfter. */
  expire_time: string;
  encrypt_certificate: {
    algorithm: string;
    nonce: string;
    associated_data?: string | undefined;
    ciphertext: string;
  };
}

/** What a `PlatformCertificateStore` keeps per merchant: plain JSON, so any store can serialise it. */
export interface StoredPlatformCertificates {
  /** Epoch milliseconds of the last verified download; every process schedules its next refresh from it. */
  refreshedAt: number;
  /**
   * Every entry still within its `expire_time`, old and new (rotation overlap), exactly as downloaded: still
   * encrypted, so that whoever can write the store but does not hold the APIv3 key cannot slip in a certificate
   * (the SDK decrypts and re-checks each entry on load and ignores one that fails).
   */
  entries: PlatformCertificateEntry[];
}

/** Held while one process downloads `GET /v3/certificates` for a merchant. */
export interface PlatformCertificateRefreshLock {
  /** Gives the lock up early; releasing a lock that already expired (or was taken over) must do nothing. */
  release(): Promise<void>;
}

/**
 * Where downloaded platform certificates live. The SDK ships `MemoryPlatformCertificateStore` (one process);
 * implement this interface to share one download between many processes, e.g. in Redis.
 *
 * Contract for implementers:
 * - `mchid` identifies the merchant whose certificates these are (the caller's `mchid`); keep merchants apart.
 * - `load` answers what the last `save` for that merchant stored (a copy or the same JSON), or `undefined` if
 *   nothing is stored. It must not alter the entries: the SDK decrypts and verifies each one itself.
 * - `save` replaces the merchant's value as a whole. The SDK has already merged the previous entries in and
 *   dropped those past `expire_time`, so a store needs no merge logic; last writer wins. A store may expire the
 *   value on its own once the latest `expire_time` has passed, never earlier.
 * - `acquireRefreshLock` (optional) lets one process at a time download for a merchant: answer a lock if nobody
 *   holds an unexpired one, else `undefined`, atomically (two concurrent callers must never both get it). The
 *   lock expires by itself after `ttlMs`, so a crashed holder cannot block refreshes forever. `nowMs` is the
 *   caller's clock (epoch ms) for stores that keep expiry themselves; a store with native expiry (Redis `PX`)
 *   may use `ttlMs` alone. Without this method, every process downloads when its own schedule says so.
 * - Errors: a rejected `load`, `save` or `acquireRefreshLock` is reported to the caller that needed the
 *   certificates (as `WechatPayCertificateError` with `reason: 'STORE_FAILED'` and the store's error as `cause`).
 *
 * The entries are not secret (certificates are public, and stay encrypted), but the store decides which keys
 * the SDK trusts only together with the APIv3 key: protect it like configuration.
 */
export interface PlatformCertificateStore {
  load(mchid: string): Promise<StoredPlatformCertificates | undefined>;
  save(mchid: string, value: StoredPlatformCertificates): Promise<void>;
  acquireRefreshLock?(
    mchid: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<PlatformCertificateRefreshLock | undefined>;
}
