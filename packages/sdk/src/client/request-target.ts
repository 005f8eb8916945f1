import { WechatPayValidationError } from '../errors/index.js';
import { buildQueryString, type UrlValue } from '../protocol/index.js';

/**
 * Path plus query string, exactly as it is signed and sent. fetch parses the URL before sending, and the parser
 * rewrites some paths (dot segments, `\`, non-ASCII, spaces); WeChat Pay would then verify the signature over
 * a URL that differs from the signed one. Such a URL is refused here, before anything is signed or sent.
 */
export function buildRequestTarget(
  operation: string,
  path: string,
  query: Readonly<Record<string, UrlValue | undefined | null>> | undefined,
): string {
  const pathAndQuery = path + buildQueryString(query);
  // Joined to an origin the way the real request URL is, so `//x` stays a path as it will when sent.
  const sent = new URL(`https://x${pathAndQuery}`);
  if (sent.pathname + sent.search !== pathAndQuery) {
    throw new WechatPayValidationError({
      operation,
      field: '/path',
      value: pathAndQuery,
      issue: 'would be rewritten by the URL parser, so the signature would not match; percent-encode it',
      location: 'url',
    });
  }
  return pathAndQuery;
}
