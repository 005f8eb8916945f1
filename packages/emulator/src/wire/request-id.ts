import { randomUpperHex } from '@wxpay-kit/sdk/protocol';

/**
 * A `Request-ID` shaped like WeChat Pay's (`08F5B8C2B506102C18FDDFEEA30620BE821E28EDC405-0`): 44 upper-case hex
 * digits, a dash and a retry index. Every response carries one, errors and 404s included.
 */
export function newRequestId(): string {
  return `${randomUpperHex(22)}-0`;
}
