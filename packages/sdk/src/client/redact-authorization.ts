import { parseAuthorization } from '../protocol/authorization-header.js';

/**
 * `WECHATPAY2-SHA256-RSA2048 mchid="…",serial_no="…",nonce_str="…",timestamp="…",signature=[REDACTED]`:
 * enough to correlate a request with WeChat Pay's logs, without a signature anyone could replay.
 */
export function redactAuthorization(header: string): string {
  try {
    const parsed = parseAuthorization(header);
    return (
      `${parsed.scheme} mchid="${parsed.mchid}",serial_no="${parsed.serial_no}",` +
      `nonce_str="${parsed.nonce_str}",timestamp="${parsed.timestamp}",signature=[REDACTED]`
    );
  } catch {
    return '[REDACTED]';
  }
}

/** A copy of request headers safe to hand to hooks and logs. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = name.toLowerCase() === 'authorization' ? redactAuthorization(value) : value;
  }
  return copy;
}
