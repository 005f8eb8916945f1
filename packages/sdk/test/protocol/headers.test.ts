import { getHeader } from '@wxpay-kit/sdk/protocol';
import { describe, expect, it } from 'vitest';

describe('getHeader', () => {
  it('reads a fetch Headers object case-insensitively', () => {
    expect(getHeader(new Headers({ 'Wechatpay-Nonce': 'abc' }), 'wechatpay-nonce')).toBe('abc');
    expect(getHeader(new Headers(), 'Wechatpay-Nonce')).toBeUndefined();
  });

  it('reads a plain object case-insensitively', () => {
    expect(getHeader({ 'wechatpay-serial': 'S' }, 'Wechatpay-Serial')).toBe('S');
    expect(getHeader({ 'WECHATPAY-SERIAL': 'S' }, 'wechatpay-serial')).toBe('S');
    expect(getHeader({ other: 'x', gone: undefined }, 'gone')).toBeUndefined();
  });

  it('joins repeated values as fetch does, so a doubled header never passes as one', () => {
    expect(getHeader({ 'set-cookie': ['a=1', 'b=2'] }, 'Set-Cookie')).toBe('a=1, b=2');
    expect(getHeader({ 'Wechatpay-Signature': 'x', 'wechatpay-signature': 'y' }, 'Wechatpay-Signature')).toBe(
      'x, y',
    );
  });
});
