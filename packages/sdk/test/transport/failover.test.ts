import { describe, expect, it } from 'vitest';
import { WechatPayApiError, WechatPayNetworkError, WechatPayTimeoutError } from '../../src/errors/index.js';
import {
  BACKUP_BASE_URL,
  isFailoverWorthy,
  nextBaseUrl,
  PRIMARY_BASE_URL,
} from '../../src/transport/failover.js';

function apiError(status: number) {
  return new WechatPayApiError({
    status,
    code: 'X',
    message: 'x',
    headers: {},
    body: '',
    method: 'GET',
    url: 'u',
  });
}

describe('failover', () => {
  it('uses the documented primary and backup domains', () => {
    expect(PRIMARY_BASE_URL).toBe('https://api.mch.weixin.qq.com');
    expect(BACKUP_BASE_URL).toBe('https://api2.mch.weixin.qq.com');
  });

  it('switches to the backup after a connection failure, a timeout or a 5xx', () => {
    for (const error of [
      new WechatPayNetworkError('GET', 'u', new Error('ECONNREFUSED')),
      new WechatPayTimeoutError('GET', 'u', 10),
      apiError(500),
      apiError(503),
    ]) {
      expect(isFailoverWorthy(error)).toBe(true);
      expect(nextBaseUrl({ current: PRIMARY_BASE_URL, backup: BACKUP_BASE_URL, error })).toBe(
        BACKUP_BASE_URL,
      );
    }
  });

  it('stays on the current domain after a 4xx, including 429', () => {
    for (const status of [400, 404, 429]) {
      expect(
        nextBaseUrl({ current: PRIMARY_BASE_URL, backup: BACKUP_BASE_URL, error: apiError(status) }),
      ).toBe(PRIMARY_BASE_URL);
    }
  });

  it('never switches when the backup is disabled', () => {
    expect(nextBaseUrl({ current: PRIMARY_BASE_URL, backup: false, error: apiError(503) })).toBe(
      PRIMARY_BASE_URL,
    );
  });

  it('stays on the backup once there', () => {
    expect(nextBaseUrl({ current: BACKUP_BASE_URL, backup: BACKUP_BASE_URL, error: apiError(502) })).toBe(
      BACKUP_BASE_URL,
    );
  });
});
