import { WechatPaySignatureError } from '../errors/wechat-pay-signature-error.js';

/** What to answer WeChat Pay's notification POST with; hand the three parts to your web framework. */
export interface NotificationReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Success: 200 with an empty body. The current docs (spec §5.2) accept 200 or 204 with no body; the older
 * `{"code":"SUCCESS","message":"成功"}` body is no longer required.
 */
export function successReply(): NotificationReply {
  return { status: 200, headers: {}, body: '' };
}

const FAILURE_MESSAGE = '失败';

/**
 * The documented failure answer (spec §5.2): a 4XX or 5XX with `{"code":"FAIL","message":"失败"}`; WeChat Pay
 * delivers again on its retry schedule.
 *
 * - `failureReply(error)`, with what your handler caught: a notification that failed verification
 *   (`WechatPaySignatureError`) gets 401, as the official SDKs answer it; anything else (decryption, your own
 *   processing) gets 500. The error's text is never sent: the sender of a forged notification learns nothing.
 * - `failureReply('message')`: 500 with that message (at most 256 characters, the documented limit).
 */
export function failureReply(errorOrMessage?: unknown): NotificationReply {
  const message = typeof errorOrMessage === 'string' ? errorOrMessage.slice(0, 256) : FAILURE_MESSAGE;
  const status = errorOrMessage instanceof WechatPaySignatureError ? 401 : 500;
  const body = JSON.stringify({ code: 'FAIL', message });
  return { status, headers: { 'Content-Type': 'application/json' }, body };
}
