import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { codegenCommand } from '../../src/cli/commands/codegen.js'
import { runCommand } from '../helpers/cli.js'
import { fixturePath } from '../helpers/fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'comfy-codegen-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const MINI = fixturePath('codegen', 'mini.object_info.json')

describe('comfy-dsl codegen', () => {
  test('writes, then --check passes; a stale file makes --check exit 1', async () => {
    const out = join(dir, 'nodes')
    const written = await runCommand(['codegen', '--object-info', MINI, '--out', out], { only: [codegenCommand] })
    expect(written.code).toBe(0)
    expect(written.stdout).toContain('16 classes')
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toContain("export * from './model.js'")
    const fresh = await runCommand(['codegen', '--object-info', MINI, '--out', out, '--check'], { only: [codegenCommand] })
    expect(fresh.code).toBe(0)
    writeFileSync(join(out, 'model.ts'), `${readFileSync(join(out, 'model.ts'), 'utf8')}\n// edited by hand\n`)
    const stale = await runCommand(['codegen', '--object-info', MINI, '--out', out, '--check'], { only: [codegenCommand] })
    expect(stale.code).toBe(1)
    expect(stale.stderr).toContain('model.ts')
  })

  test('a malformed definition exits 2 naming class, input and field; --skip-broken leaves it out', async () => {
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify({ Good: { input: {}, output: ['IMAGE'] }, Bad: { input: { required: { seed: ['INT', { min: 'zero' }] } }, output: [] } }))
    const failed = await runCommand(['codegen', '--object-info', broken, '--out', join(dir, 'b')], { only: [codegenCommand] })
    expect(failed.code).toBe(2)
    expect(failed.stderr).toContain('class "Bad", input "seed", field "min": expected number or bigint, received "zero"')
    const skipped = await runCommand(['codegen', '--object-info', broken, '--out', join(dir, 'b'), '--skip-broken'], { only: [codegenCommand] })
    expect(skipped.code).toBe(0)
    expect(skipped.stderr).toContain(`warning: ${broken}: skipped a malformed definition`)
    expect(skipped.stdout).toContain('1 classes')
  })

  test('needs exactly one source', async () => {
    const none = await runCommand(['codegen', '--out', join(dir, 'x')], { only: [codegenCommand] })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--object-info FILE or --server URL')
  })
})

describe('comfy-dsl codegen --server', () => {
  test('reads /object_info and the version from a running server', async () => {
    const { startTestServer } = await import('../../src/testing/index.js')
    const server = await startTestServer()
    try {
      const out = join(dir, 'from-server')
      const run = await runCommand(['codegen', '--server', server.url, '--out', out], { only: [codegenCommand] })
      expect(run.code).toBe(0)
      const index = readFileSync(join(out, 'index.ts'), 'utf8')
      expect(index).toMatch(/\/\/ ComfyUI version: \d+\.\d+\.\d+/)
      expect(index).toMatch(/\/\/ object_info sha256: [0-9a-f]{64}/)
      expect(readFileSync(join(out, 'model-sampling.ts'), 'utf8')).toContain('export function ksampler(')
    } finally {
      await server.close()
    }
    const refused = await runCommand(['codegen', '--server', 'http://127.0.0.1:9', '--out', join(dir, 'none')], { only: [codegenCommand] })
    // Exit 3: the server is unreachable.
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('cannot reach http://127.0.0.1:9/object_info')
  })

  test('a server answering an error status, or an address without http://, is reported as such', async () => {
    const { createServer } = await import('node:http')
    const hostile = createServer((_req, res) => res.writeHead(500).end('boom'))
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
    const { port } = hostile.address() as { port: number }
    try {
      const failed = await runCommand(['codegen', '--server', `http://127.0.0.1:${port}`, '--out', join(dir, 'none')], { only: [codegenCommand] })
      expect(failed.code).toBe(2)
      expect(failed.stderr).toContain(`http://127.0.0.1:${port}/object_info answered HTTP 500`)
    } finally {
      hostile.close()
    }
    const bare = await runCommand(['codegen', '--server', 'localhost:8188', '--out', join(dir, 'none')], { only: [codegenCommand] })
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('did you mean --server http://localhost:8188')
  })
})
