import { SDK_VERSION } from './sdk-version.js';

/**
 * `wxpay-kit/0.1.0 (node 20.19.0; linux)`. WeChat Pay may refuse requests without a User-Agent, and a
 * product/version token tells its support which client sent a request.
 */
export function defaultUserAgent(): string {
  return `wxpay-kit/${SDK_VERSION} (node ${process.versions.node}; ${process.platform})`;
}
