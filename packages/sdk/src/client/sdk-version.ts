/** The published version of `@wxpay-kit/sdk`; a test keeps it equal to package.json. */
export const SDK_VERSION = '0.1.0';
