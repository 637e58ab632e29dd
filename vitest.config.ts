import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer suite (test/package) packs and installs once per run, lazily: see test/package/installed.ts.
    globalSetup: ['test/package/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Validated object_info goes to a cache folder of this run, never the user's (src/codegen/defs-cache.ts):
    env: { COMFY_DSL_CACHE_DIR: join(tmpdir(), `comfy-dsl-test-cache-${process.pid}`) },
  },
})
