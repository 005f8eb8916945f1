import { WechatPayApiError, WechatPayNetworkError, WechatPayTimeoutError } from '../errors/index.js';

/** 主域名: routes to the nearest access point. */
export const PRIMARY_BASE_URL = 'https://api.mch.weixin.qq.com';
/** 备域名: routes to an access point in another region; WeChat Pay documents it for when the primary fails. */
export const BACKUP_BASE_URL = 'https://api2.mch.weixin.qq.com';

/**
 * Whether a failure points at the access point rather than at the request: the connection failed or timed
 * out, or the server answered 5xx. A 4xx (including 429) would be the same on the backup, so it stays put.
 */
export function isFailoverWorthy(error: unknown): boolean {
  if (error instanceof WechatPayNetworkError || error instanceof WechatPayTimeoutError) return true;
  return error instanceof WechatPayApiError && error.status >= 500;
}

/**
 * The base URL for the attempt after `error`. Switching is one-way within a call: once on the backup the
 * remaining attempts stay there, so a flapping primary cannot bounce one call between regions.
 */
export function nextBaseUrl(input: { current: string; backup: string | false; error: unknown }): string {
  if (input.backup === false || !isFailoverWorthy(input.error)) return input.current;
  return input.backup;
}
