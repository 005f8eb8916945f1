import { isIP } from 'node:net';
import { ApiError } from '../../wire/api-error.js';
import type { EmulatorSettings } from '../family.js';

// Families never import each other, so transfer-bills keeps its own copy of these two rules.

/** JSON with object keys sorted at every level: equal requests give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(source)
      .sort()
      .filter((key) => source[key] !== undefined)
      .map((key) => [key, sortKeys(source[key])]),
  );
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (isIP(host) === 6) return host === '::1' || host.startsWith('fc') || host.startsWith('fd');
  return false;
}

/**
 * WeChat Pay calls back public HTTPS URLs without query parameters (spec §5.1). With
 * `allowInsecureNotifyUrls` the emulator also takes `http://` and loopback/private hosts, for local receivers.
 */
export function checkNotifyUrl(value: string, pointer: string, settings: EmulatorSettings): void {
  const fail = (issue: string) =>
    new ApiError(400, 'PARAM_ERROR', `${pointer.slice(1)}: ${issue}`, {
      field: pointer,
      value,
      issue,
      location: 'body',
    });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('must be an absolute URL such as https://example.com/notify');
  }
  if (value.includes('?')) throw fail('must not carry query parameters');
  if (value.includes('#')) throw fail('must not carry a fragment');
  if (settings.allowInsecureNotifyUrls) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw fail('must use https:// (or http://)');
    return;
  }
  if (url.protocol !== 'https:') throw fail('must use https://');
  if (isPrivateHost(url.hostname)) throw fail('must be publicly reachable (no localhost or private address)');
}
