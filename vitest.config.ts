import { defineConfig } from 'vitest/config';

// Tests import the packages by name; the custom condition points those imports at the
// TypeScript sources, so the suite needs no build step and always tests what is in src/.
export default defineConfig({
  resolve: { conditions: ['wxpay-kit-source', 'import', 'node', 'default'] },
  ssr: { resolve: { conditions: ['wxpay-kit-source', 'import', 'node', 'default'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
