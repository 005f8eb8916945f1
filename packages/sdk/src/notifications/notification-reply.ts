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

/** Failure: 500 with `{"code":"FAIL","message":…}`; WeChat Pay will re-deliver on its retry schedule. */
export function failureReply(message = '失败'): NotificationReply {
  // The documented limit for message is 256 characters.
  const body = JSON.stringify({ code: 'FAIL', message: message.slice(0, 256) });
  return { status: 500, headers: { 'Content-Type': 'application/json' }, body };
}
