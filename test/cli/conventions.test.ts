/** What every command shares: --version, a --help that loads no command, exit codes for errors. */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { COMMAND_NAMES } from '../../src/cli/commands/index.js'
import { CliUsageError, EXIT, exitCodeFor } from '../../src/cli/io.js'
import { serverUrl } from '../../src/cli/server-flag.js'
import { ServerUnreachableError, PromptRejectedError, JobInterruptedError } from '../../src/client/errors.js'
import { ObjectInfoError } from '../../src/errors.js'
import { runCommand } from '../helpers/cli.js'

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

describe('the comfy-dsl program', () => {
  test('--version prints the package version', async () => {
    expect(await runCommand(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  test('--help lists every command by its summary', async () => {
    const help = await runCommand(['--help'])
    expect(help.code).toBe(0)
    for (const name of COMMAND_NAMES) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'))
  })

  test('an unknown command exits 2 with the usage', async () => {
    const run = await runCommand(['frobnicate'])
    expect(run.code).toBe(EXIT.unusable)
    expect(run.stderr).toContain("unknown command 'frobnicate'")
  })
})

describe('exit codes', () => {
  test.each([
    ['a usage error', new CliUsageError('x'), 2],
    ['malformed definitions', new ObjectInfoError('C', undefined, undefined, 'x', 1), 2],
    ['an unreachable server', new ServerUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED'), 3],
    // Classified by class alone (the CLI does not load the client to do it):
    ['a rejected prompt', Object.create(PromptRejectedError.prototype) as Error, 1],
    ['an interrupted job', Object.create(JobInterruptedError.prototype) as Error, 130],
    ['a bug', new TypeError('x'), 1],
  ])('%s exits %i', (_what, error, code) => {
    expect(exitCodeFor(error)).toBe(code)
  })
})

describe('--server', () => {
  test('suggests http:// when the scheme is missing', () => {
    expect(() => serverUrl('localhost:8188')).toThrow('--server "localhost:8188" has no scheme; did you mean --server http://localhost:8188?')
    expect(() => serverUrl('ws://host:8188')).toThrow('expected an http:// or https:// URL')
    expect(serverUrl('https://comfy.example:443/api')).toBe('https://comfy.example:443/api')
  })
})
