import { ApiError } from '../../wire/api-error.js';

/**
 * WeChat Pay only calls public HTTPS URLs without a query (spec §5.1). Local testing needs `http://` and loopback
 * addresses, so those pass only when the emulator's `allowInsecureNotifyUrls` switch is on.
 */
export function checkNotifyUrl(url: string, allowInsecure: boolean, field = '/notify_url'): void {
  const refuse = (issue: string) =>
    new ApiError(400, 'PARAM_ERROR', `${field.slice(1)} is not a usable notification URL: ${issue}`, {
      field,
      value: url,
      issue,
      location: 'body',
    });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refuse('it must be an absolute URL such as https://example.com/notify');
  }
  const schemes = allowInsecure ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw refuse(
      allowInsecure
        ? 'it must use https:// or http://'
        : 'it must use https:// (http:// needs allowInsecureNotifyUrls)',
    );
  }
  if (parsed.search !== '' || url.includes('?')) throw refuse('it must not carry query parameters');
  if (!allowInsecure && isPrivateHost(parsed.hostname)) {
    throw refuse(
      'it must be publicly reachable (loopback and private addresses need allowInsecureNotifyUrls)',
    );
  }
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    host === '::' ||
    host === '0.0.0.0'
  ) {
    return true;
  }
  if (/^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:')) return true;
  const octets = host.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return false;
  const [a, b] = octets as [number, number, number, number];
  return (
    a === 127 ||
    a === 10 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}
