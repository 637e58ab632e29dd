/**
 * The comfy-dsl binary never hands a terminal a control character that came from a server or a file: output file
 * names and texts from the server, class names and values quoted in errors, file names, warnings. Checked on the
 * bytes the process writes to stdout and stderr.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { escapeControls } from '../../src/cli/terminal-safe.js'
import { startTestServer, type TestServer } from '../../src/testing/index.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')
// tsx as a loader, found from the repository (the processes run in a temporary folder):
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href
// ESC sequences (set the title, clear the screen), BEL, NUL, CR, a C1 CSI, DEL and a right-to-left override:
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u0000\r\u009b31m\u007f\u202e'
const NAMEABLE = HOSTILE.replace('\u0000', '')
// Every byte sequence a terminal acts on, as UTF-8: C0 but \t and \n, DEL, C1 (U+0080..U+009F), bidi controls.
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/

let dir: string
let server: TestServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-escapes-'))
  server = await startTestServer({ stepMs: 1 })
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

interface BinRun {
  readonly code: number
  readonly stdout: Buffer
  readonly stderr: Buffer
}

function bin(args: readonly string[]): Promise<BinRun> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', TSX, MAIN, ...args], { cwd: dir, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      done({ code, stdout, stderr })
    })
  })
}

function expectNoRawControls(run: BinRun): void {
  for (const bytes of [run.stdout, run.stderr]) {
    // No ESC, BEL, NUL or CR byte, and no C1 or bidi character once decoded:
    for (const byte of [0x1b, 0x07, 0x00, 0x0d]) expect(bytes.includes(byte)).toBe(false)
    expect(bytes.toString('utf8')).not.toMatch(RAW_CONTROLS)
  }
}

function write(name: string, value: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(value))
  return name
}

// Each test starts node with tsx: slow on a loaded machine.
describe('the comfy-dsl binary escapes control characters it prints', { timeout: 180_000 }, () => {
  test('run: output file names and texts from the server', async () => {
    const workflow = write('run.json', {
      '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
      // A file name cannot hold NUL; everything else reaches the server's answer:
      '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: `evil${NAMEABLE}` } },
      '3': { class_type: 'PreviewAny', inputs: { source: `text${HOSTILE}` } },
    })
    const run = await bin(['run', workflow, '--server', server.url])
    expect(run.stderr.toString()).toContain('completed')
    expect(run.code).toBe(0)
    expectNoRawControls(run)
    const stdout = run.stdout.toString()
    expect(stdout).toContain(`3: text${escapeControls(HOSTILE)}`)
    expect(stdout).toContain(`2: evil${escapeControls(NAMEABLE)}_00001_.png`)
    expect(escapeControls(HOSTILE)).toBe('\\u001b]0;owned\\u0007\\u001b[2J\\u0000\\u000d\\u009b31m\\u007f\\u202e')
  })

  test('check: a file name and a class name quoted in the verdict', async () => {
    const name = write(`bad${NAMEABLE}.json`, {
      '1': { class_type: `Evil${HOSTILE}`, inputs: {} },
    })
    const run = await bin(['check', name])
    expect(run.code).toBe(1)
    expectNoRawControls(run)
    expect(run.stdout.toString()).toContain(`Evil${escapeControls(HOSTILE)}`)
  })

  test('import: an input value quoted in an error message (stderr)', async () => {
    const file = write('list.json', { '1': { class_type: 'PreviewAny', inputs: { source: [`x${HOSTILE}`, 'y', 2] } } })
    const run = await bin(['import', file])
    expect(run.code).toBe(2)
    expectNoRawControls(run)
    expect(run.stderr.toString()).toMatch(/^error: list\.json: .*a list that is not a link/)
  })

  test('convert and convert --json: printed JSON stays valid and means the same', async () => {
    const file = write('api.json', { '1': { class_type: 'PreviewAny', inputs: { source: `x${HOSTILE}` }, _meta: { title: `t${HOSTILE}` } } })
    for (const args of [['convert', file], ['convert', '--json', file]]) {
      const run = await bin(args)
      expect(run.code).toBe(0)
      expectNoRawControls(run)
      const json = JSON.parse(run.stdout.toString()) as Record<string, unknown>
      const prompt = (args.includes('--json') ? json['prompt'] : json) as Record<string, { inputs: { source: string }; _meta: { title: string } }>
      expect(prompt['1']?.inputs.source).toBe(`x${HOSTILE}`)
      expect(prompt['1']?._meta.title).toBe(`t${HOSTILE}`)
    }
  })
})

describe('escapeControls', () => {
  test('escapes C0 (but tab and newline), DEL, C1 and bidi marks as \\uXXXX; JSON reads the same text back', () => {
    const unsafe = [0x00, 0x07, 0x08, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x9b, 0x9f, 0x61c, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069]
    for (const code of unsafe) {
      const c = String.fromCharCode(code)
      expect(escapeControls(`a${c}b`)).toBe(`a\\u${code.toString(16).padStart(4, '0')}b`)
      expect(JSON.parse(`"${escapeControls(`a${c}b`)}"`)).toBe(`a${c}b`)
    }
    for (const kept of ['\n', '\t', ' ', 'é', '\u00a0', '\u200b', '\u{1f600}', '"', '\\']) expect(escapeControls(kept)).toBe(kept)
  })
})
