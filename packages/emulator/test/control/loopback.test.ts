import { describe, expect, it } from 'vitest';
import { isLoopback, isLoopbackHost, isLoopbackOrigin } from '../../src/control/loopback.js';

describe('loopback', () => {
  it('isLoopback: 127/8 and ::1, also IPv4-mapped', () => {
    expect(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('isLoopbackHost: 127.0.0.1, localhost and [::1] on any port, nothing else', () => {
    const good = ['127.0.0.1', '127.0.0.1:8080', 'localhost', 'LocalHost:3000', '[::1]', '[::1]:9'];
    const bad = [
      'evil.example',
      'localhost.evil.example',
      '127.0.0.1.nip.io:80',
      '::1',
      '[::1]x',
      'localhost:',
      '',
      undefined,
    ];
    expect(good.filter((host) => !isLoopbackHost(host))).toEqual([]);
    expect(bad.filter((host) => isLoopbackHost(host))).toEqual([]);
  });

  it('isLoopbackOrigin: http(s) pages on this machine, nothing else', () => {
    const good = ['http://localhost:3000', 'https://127.0.0.1', 'http://[::1]:5173', 'http://localhost:80'];
    const bad = [
      'null',
      'https://evil.example',
      'http://localhost.evil.example',
      'file://',
      'http://localhost/app',
    ];
    expect(good.filter((origin) => !isLoopbackOrigin(origin))).toEqual([]);
    expect(bad.filter((origin) => isLoopbackOrigin(origin))).toEqual([]);
  });
});
