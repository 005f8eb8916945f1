import { WechatPayCertificateError } from '../errors/wechat-pay-certificate-error.js';
import { WechatPayError } from '../errors/wechat-pay-error.js';
import { type PlatformKeyring, PUBLIC_KEY_ID_PREFIX } from '../protocol/platform-keyring.js';
import {
  CERTIFICATES_PATH,
  isExpired,
  mergeCertificateEntries,
  type OpenedPlatformCertificate,
  openCertificateEntry,
} from './certificate-download.js';
import type {
  PlatformCertificateEntry,
  PlatformCertificateStore,
  StoredPlatformCertificates,
} from './platform-certificate-store.js';

/** wechatpay-java's `RSAAutoCertificateConfig` refreshes every 60 min (wechatpay-go every 24 h; the doc: < 12 h). */
export const DEFAULT_REFRESH_INTERVAL_MS = 60 * 60 * 1000;
/** At most one download per minute for serials nobody has heard of: a forged header must not become a flood. */
export const DEFAULT_UNKNOWN_SERIAL_COOLDOWN_MS = 60 * 1000;
/** How long one process may hold the store's refresh lock; others wait up to this long for its result. */
export const DEFAULT_REFRESH_LOCK_TTL_MS = 30 * 1000;
/** How often a process that did not get the lock looks for the holder's result. */
const LOCK_POLL_MS = 250;

export interface PlatformCertificateManagerOptions {
  mchid: string;
  apiV3Key: string;
  /** The client's keyring: the manager adds the certificates it downloads and removes them at `expire_time`. */
  keyring: PlatformKeyring;
  store: PlatformCertificateStore;
  /** Signs and sends `GET /v3/certificates` and answers the verified entries (see `verifyCertificateDownload`). */
  download: () => Promise<OpenedPlatformCertificate[]>;
  /** Epoch milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  refreshIntervalMs?: number | undefined;
  unknownSerialCooldownMs?: number | undefined;
  refreshLockTtlMs?: number | undefined;
}

type RefreshReason = 'initial' | 'scheduled' | 'unknown-serial';

/**
 * Managed platform certificates (`platformCertificates: 'auto'`): downloads on first need, refreshes when the
 * set is older than `refreshIntervalMs` (in the background, while the set in hand keeps serving) and when a
 * message names a serial it does not know, with one download in flight however many calls wait. A certificate
 * stays trusted until its `expire_time`, whether or not the latest download still lists it (rotation overlap).
 */
export class PlatformCertificateManager {
  readonly #options: PlatformCertificateManagerOptions;
  readonly #refreshIntervalMs: number;
  readonly #unknownSerialCooldownMs: number;
  readonly #lockTtlMs: number;
  /** The entries in force, as stored; their certificates are in the keyring. */
  #entries: PlatformCertificateEntry[] = [];
  /** `refreshedAt` of the set in force; `undefined` until one is loaded or downloaded. */
  #refreshedAt: number | undefined;
  #inflight: Promise<void> | undefined;
  #lastUnknownSerialRefreshMs = Number.NEGATIVE_INFINITY;
  /** After a failed background refresh, the next is not tried before this time. */
  #retryScheduledAfterMs = Number.NEGATIVE_INFINITY;
  /** How many downloads this manager made (for tests and diagnostics). */
  downloads = 0;
  /** The last background refresh failure, kept so that it can be inspected; calls never see it. */
  lastBackgroundError: unknown;

  constructor(options: PlatformCertificateManagerOptions) {
    this.#options = options;
    this.#refreshIntervalMs = options.refreshIntervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    this.#unknownSerialCooldownMs = options.unknownSerialCooldownMs ?? DEFAULT_UNKNOWN_SERIAL_COOLDOWN_MS;
    this.#lockTtlMs = options.refreshLockTtlMs ?? DEFAULT_REFRESH_LOCK_TTL_MS;
  }

  /** Serials of the certificates in force, newest `effective_time` first. */
  get serials(): string[] {
    return [...this.#entries]
      .sort((a, b) => Date.parse(b.effective_time) - Date.parse(a.effective_time))
      .map((entry) => entry.serial_no.toUpperCase());
  }

  /**
   * Makes the keyring ready for a message signed under `serial` (or, with `undefined`, for a call that may need
   * to encrypt with a certificate). Awaits a download only when nothing is loaded yet or the serial is unknown.
   */
  async prepare(serial: string | undefined, options: { needCertificates?: boolean } = {}): Promise<void> {
    const nowMs = this.#options.now();
    this.#dropExpired(nowMs);
    if (serial?.startsWith(PUBLIC_KEY_ID_PREFIX)) return;
    if (this.#refreshedAt === undefined) {
      if (serial === undefined && !options.needCertificates) return;
      await this.refresh('initial');
      return;
    }
    if (serial !== undefined && !this.#knows(serial, nowMs)) {
      if (nowMs - this.#lastUnknownSerialRefreshMs >= this.#unknownSerialCooldownMs) {
        this.#lastUnknownSerialRefreshMs = nowMs;
        await this.refresh('unknown-serial', serial);
      }
      return;
    }
    if (nowMs - this.#refreshedAt >= this.#refreshIntervalMs && nowMs >= this.#retryScheduledAfterMs) {
      this.refresh('scheduled').catch((error: unknown) => {
        this.lastBackgroundError = error;
        this.#retryScheduledAfterMs = this.#options.now() + Math.min(this.#refreshIntervalMs, 60_000);
      });
    }
  }

  /**
   * Brings the set up to date; concurrent callers share one download. Rejects with `WechatPayCertificateError`.
   * `wanted` is a serial that the caller needs: a set another process stored is enough if it has it.
   */
  refresh(reason: RefreshReason = 'scheduled', wanted?: string): Promise<void> {
    this.#inflight ??= this.#refresh(reason, wanted).finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  #knows(serial: string, nowMs: number): boolean {
    return this.#options.keyring.find(serial, Math.floor(nowMs / 1000)) !== undefined;
  }

  async #refresh(reason: RefreshReason, wanted: string | undefined): Promise<void> {
    const { store, mchid } = this.#options;
    const stored = await this.#storeCall('load', () => store.load(mchid));
    if (stored && this.#adopt(stored) && this.#satisfied(reason, wanted)) return;

    const lock = store.acquireRefreshLock
      ? await this.#storeCall('acquireRefreshLock', () =>
          store.acquireRefreshLock!(mchid, this.#lockTtlMs, this.#options.now()),
        )
      : undefined;
    if (store.acquireRefreshLock && !lock) {
      // Another process is downloading: wait for what it saves rather than download the same list again.
      if (await this.#awaitOtherProcess(stored?.refreshedAt)) return;
    }
    try {
      const opened = await this.#download();
      const nowMs = this.#options.now();
      const value: StoredPlatformCertificates = {
        refreshedAt: nowMs,
        entries: mergeCertificateEntries(
          this.#entries,
          opened.map((o) => o.entry),
          nowMs,
        ),
      };
      this.#adoptOpened(value, [...this.#openAll(this.#entries), ...opened]);
      await this.#storeCall('save', () => store.save(mchid, value));
    } finally {
      await lock?.release().catch(() => {
        // The lock expires by itself; a failed release costs others at most one lock TTL of waiting.
      });
    }
  }

  #satisfied(reason: RefreshReason, wanted: string | undefined): boolean {
    const nowMs = this.#options.now();
    if (reason === 'unknown-serial') return wanted !== undefined && this.#knows(wanted, nowMs);
    return this.#refreshedAt !== undefined && nowMs - this.#refreshedAt < this.#refreshIntervalMs;
  }

  async #awaitOtherProcess(seenRefreshedAt: number | undefined): Promise<boolean> {
    const { store, mchid } = this.#options;
    const giveUpAt = this.#options.now() + this.#lockTtlMs;
    while (this.#options.now() < giveUpAt) {
      await this.#options.sleep(LOCK_POLL_MS);
      const stored = await this.#storeCall('load', () => store.load(mchid));
      if (stored && stored.refreshedAt !== seenRefreshedAt && this.#adopt(stored)) return true;
    }
    return false;
  }

  async #download(): Promise<OpenedPlatformCertificate[]> {
    this.downloads += 1;
    try {
      return await this.#options.download();
    } catch (error) {
      if (error instanceof WechatPayCertificateError) throw error;
      throw new WechatPayCertificateError(
        'DOWNLOAD_FAILED',
        `GET ${CERTIFICATES_PATH} failed: ${(error as Error)?.message ?? String(error)}`,
        { cause: error, retryable: error instanceof WechatPayError ? error.retryable : false },
      );
    }
  }

  /** Decrypts and checks what a store holds; an entry that fails is ignored (the store is not trusted alone). */
  #openAll(entries: readonly PlatformCertificateEntry[]): OpenedPlatformCertificate[] {
    const opened: OpenedPlatformCertificate[] = [];
    for (const entry of entries) {
      try {
        opened.push(openCertificateEntry(entry, this.#options.apiV3Key));
      } catch (error) {
        if (!(error instanceof WechatPayCertificateError)) throw error;
      }
    }
    return opened;
  }

  /** Takes a stored set if it is newer than the one in force and at least one entry checks out. */
  #adopt(stored: StoredPlatformCertificates): boolean {
    if (this.#refreshedAt !== undefined && stored.refreshedAt <= this.#refreshedAt) return true;
    const nowMs = this.#options.now();
    const live = (Array.isArray(stored.entries) ? stored.entries : []).filter((e) => !isExpired(e, nowMs));
    const opened = this.#openAll(live);
    if (opened.length === 0) return false;
    // Keep what is in force too: another process's older download must not drop a certificate still valid here.
    const entries = mergeCertificateEntries(this.#entries, live, nowMs);
    this.#adoptOpened({ refreshedAt: stored.refreshedAt, entries }, [
      ...this.#openAll(this.#entries),
      ...opened,
    ]);
    return true;
  }

  #adoptOpened(value: StoredPlatformCertificates, opened: readonly OpenedPlatformCertificate[]): void {
    const { keyring } = this.#options;
    const keep = new Set(value.entries.map((e) => e.serial_no.toUpperCase()));
    for (const entry of this.#entries) {
      const serial = entry.serial_no.toUpperCase();
      if (!keep.has(serial)) keyring.removeCertificate(serial);
    }
    for (const o of opened) {
      if (keep.has(o.certificate.serialNo)) keyring.addCertificate(o.certificate.pem, 'platformCertificate');
    }
    this.#entries = value.entries.filter((e) =>
      opened.some((o) => o.certificate.serialNo === e.serial_no.toUpperCase()),
    );
    this.#refreshedAt = value.refreshedAt;
  }

  #dropExpired(nowMs: number): void {
    const expired = this.#entries.filter((entry) => isExpired(entry, nowMs));
    if (expired.length === 0) return;
    for (const entry of expired) this.#options.keyring.removeCertificate(entry.serial_no);
    this.#entries = this.#entries.filter((entry) => !expired.includes(entry));
  }

  async #storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new WechatPayCertificateError(
        'STORE_FAILED',
        `platform certificate store: ${operation} for merchant ${this.#options.mchid} failed: ${(error as Error)?.message ?? String(error)}`,
        { cause: error, retryable: true },
      );
    }
  }
}
