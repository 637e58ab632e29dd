/** Process entry point of the `comfy-dsl` binary. */
import { runCli } from './program.js'

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
})
process.exitCode = code
