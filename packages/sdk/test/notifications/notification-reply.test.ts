import { describe, expect, it } from 'vitest';
import { WechatPayDecryptError, WechatPaySignatureError } from '../../src/errors/index.js';
import { failureReply, successReply } from '../../src/notifications/index.js';

describe('notification replies', () => {
  it('answers success with 200 and no body', () => {
    expect(successReply()).toEqual({ status: 200, headers: {}, body: '' });
  });

  it('answers failure with 500 and a JSON FAIL body', () => {
    const reply = failureReply('验签失败');
    expect(reply.status).toBe(500);
    expect(reply.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ code: 'FAIL', message: '验签失败' });
    expect(JSON.parse(failureReply().body)).toEqual({ code: 'FAIL', message: '失败' });
  });

  it('keeps the message within the documented 256 characters', () => {
    expect((JSON.parse(failureReply('x'.repeat(300)).body) as { message: string }).message).toHaveLength(256);
  });

  it('answers a failed verification with 401 and the documented body, never the error text', () => {
    const reply = failureReply(
      new WechatPaySignatureError('BAD_SIGNATURE', 'Wechatpay-Signature does not verify with key X'),
    );
    expect(reply).toEqual({
      status: 401,
      headers: { 'Content-Type': 'application/json' },
      body: '{"code":"FAIL","message":"失败"}',
    });
  });

  it('answers any other caught error with 500 and the documented body, never the error text', () => {
    for (const error of [
      new WechatPayDecryptError('AUTHENTICATION_FAILED', 'secret detail'),
      new Error('database down'),
      undefined,
    ]) {
      const reply = failureReply(error);
      expect(reply.status).toBe(500);
      expect(reply.body).toBe('{"code":"FAIL","message":"失败"}');
    }
  });
});
