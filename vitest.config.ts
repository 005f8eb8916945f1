import { defineConfig } from 'vitest/config';

// Tests import the packages by name; the custom condition points those imports at the
// TypeScript sources, so the suite needs no build step and always tests what is in src/.
// Vitest also hands these conditions to the test processes as `node --conditions`: an `import` there would make
// Node's own require() pick the ESM build of dual packages (express's router requires is-promise and got its
// namespace object), and Vite adds `import` or `require` per import by itself, so it is not listed.
const conditions = ['wxpay-kit-source', 'node', 'default'];
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
