import { describe, expect, it } from 'vitest';
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
});
