import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer suite (test/package) packs and installs once per run, lazily: see test/package/installed.ts.
    globalSetup: ['test/package/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
