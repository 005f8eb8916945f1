import { isIP } from 'node:net';
import type { EmulatorSettings } from '../family.js';
import { bodyParamError } from './param-error.js';

/**
 * WeChat Pay calls back only public HTTPS URLs without query parameters (spec §5.1). Local receivers need
 * `http://` and loopback or private hosts, so those pass only with the emulator's `allowInsecureNotifyUrls`.
 * `pointer` is the body field's JSON pointer, e.g. `/notify_url`.
 */
export function checkNotifyUrl(value: string, pointer: string, settings: EmulatorSettings): void {
  const refuse = (issue: string) => bodyParamError(pointer, value, issue);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse('must be an absolute URL such as https://example.com/notify');
  }
  const lax = settings.allowInsecureNotifyUrls;
  if (url.protocol !== 'https:' && !(lax && url.protocol === 'http:')) {
    throw refuse(
      lax ? 'must use https:// or http://' : 'must use https:// (http:// needs allowInsecureNotifyUrls)',
    );
  }
  if (value.includes('?')) throw refuse('must not carry query parameters');
  if (value.includes('#')) throw refuse('must not carry a fragment');
  if (!lax && isPrivateHost(url.hostname)) {
    throw refuse(
      'must be publicly reachable (localhost, loopback and private addresses need allowInsecureNotifyUrls)',
    );
  }
}

// `hostname` comes from WHATWG URL, so IPv4 is dotted decimal and IPv6 is bracketed, compressed, lower-case.
function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const version = isIP(host);
  if (version === 4) return isPrivateIpv4(host);
  if (version !== 6) return false;
  if (host === '::' || host === '::1') return true;
  // fc00::/7 (unique local) and fe80::/10 (link-local)
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return false;
  const [high, low] = [Number.parseInt(mapped[1] ?? '0', 16), Number.parseInt(mapped[2] ?? '0', 16)];
  return isPrivateIpv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
}

function isPrivateIpv4(host: string): boolean {
  const [a = 0, b = 0] = host.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}
