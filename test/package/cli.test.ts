/** The installed `comfy-dsl` bin: check, convert, import, run and edit, against the installed test server. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installedPackage, REPO, sh, startInstalledTestServer, type InstalledPackage } from './installed.js'

let pkg: InstalledPackage
let server: { url: string; close(): Promise<void> }
let dir: string
const cli = (args: string[], input?: string) => sh(pkg, 'comfy-dsl', args, { cwd: dir, ...(input === undefined ? {} : { input }) })

beforeAll(async () => {
  pkg = await installedPackage()
  server = await startInstalledTestServer(pkg)
  dir = join(pkg.project, 'cli')
  mkdirSync(dir, { recursive: true })
  copyFileSync(join(pkg.project, 'node_modules/comfy-dsl/workflows/img2img_default.json'), join(dir, 'flow.json'))
  // The manifest beside the workflow names its parameters (--input image=...):
  copyFileSync(join(pkg.project, 'node_modules/comfy-dsl/workflows/img2img_default.params.json'), join(dir, 'flow.params.json'))
  copyFileSync(join(REPO, 'test/fixtures/workflows/ui/comfyscript__default.ui.json'), join(dir, 'workflow.json'))
  copyFileSync(join(REPO, 'test/fixtures/server-captures/test_input.png'), join(dir, 'cat.png'))
  copyFileSync(join(REPO, 'test/fixtures/images/comfy-ts__pug_200x300.jpg'), join(dir, 'photo.jpg'))
}, 900_000)

afterAll(async () => {
  await server?.close()
})

describe('the installed comfy-dsl program', () => {
  test('--version is the package version', async () => {
    const version = (JSON.parse(readFileSync(join(pkg.project, 'node_modules/comfy-dsl/package.json'), 'utf8')) as { version: string }).version
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  test('check: accepted, rejected, and a file that is not an object_info', async () => {
    expect((await cli(['check', 'flow.json'])).code).toBe(0)
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ '1': { class_type: 'EmptyImage', inputs: { width: 0, height: 8, batch_size: 1, color: 0 } }, '2': { class_type: 'PreviewImage', inputs: { images: ['1', 0] } } }))
    const rejected = await cli(['check', 'bad.json', '--json'])
    expect(rejected.code).toBe(1)
    expect(JSON.parse(rejected.stdout)).toMatchObject({ ok: false, exitCode: 1, files: [{ file: 'bad.json', accepted: false }] })
    const notDefs = await cli(['check', '--object-info', 'flow.json', 'flow.json'])
    expect(notDefs.code).toBe(2)
    expect(notDefs.stderr).toContain('flow.json is not an /object_info response')
  })

  test('convert a UI workflow to stdout, then check it from stdin', async () => {
    const converted = await cli(['convert', 'workflow.json', '--out', '-'])
    expect(converted.code).toBe(0)
    expect(Object.values(JSON.parse(converted.stdout) as Record<string, { class_type: string }>).map((n) => n.class_type)).toContain('KSampler')
    const checked = await cli(['check', '-'], converted.stdout)
    expect(checked.stdout).toContain('stdin: accepted')
  })

  test('import a workflow as TypeScript, and run that module', { timeout: 300_000 }, async () => {
    const imported = await cli(['import', 'flow.json', '--out', 'flow.ts'])
    expect(imported.code).toBe(0)
    expect(readFileSync(join(dir, 'flow.ts'), 'utf8')).toContain("from 'comfy-dsl/nodes'")
    expect((await cli(['import', 'flow.json', '--out', 'flow.ts'])).stderr).toContain('flow.ts exists; pass --overwrite')
    const ran = await cli(['run', 'flow.ts', '--server', server.url, '--input', '4=cat.png', '--json'])
    expect(ran.stderr).toBe('')
    expect(JSON.parse(ran.stdout)).toMatchObject({ ok: true, status: 'completed' })
  })

  test('run an API workflow with a template parameter and save its outputs', { timeout: 300_000 }, async () => {
    const ran = await cli(['run', 'flow.json', '--server', server.url, '--input', 'image=cat.png', '--out', 'results', '--json'])
    expect(ran.code).toBe(0)
    const body = JSON.parse(ran.stdout) as { files: { path: string }[] }
    expect(body.files).toHaveLength(1)
    expect(existsSync(body.files[0]?.path as string)).toBe(true)
    const unreachable = await cli(['run', 'flow.json', '--server', 'http://127.0.0.1:9'])
    expect(unreachable.code).toBe(3)
  })

  test('edit an image', { timeout: 300_000 }, async () => {
    const edited = await cli(['edit', 'photo.jpg', '--prompt', 'a pug astronaut', '--param', 'steps=3', '--server', server.url, '--out', 'edited.png', '--json'])
    expect(edited.stderr).toBe('')
    expect(JSON.parse(edited.stdout)).toMatchObject({ ok: true, template: 'img2img_default', width: 200, height: 296 })
    expect(existsSync(join(dir, 'edited.png'))).toBe(true)
  })
})
