/** Process entry point of the `comfy-dsl` binary. */
import { setFlagsFromString } from 'node:v8'
import { runCli } from './program.js'

// A codegen run is over in about a second: V8's optimizing compiler (TurboFan) spends more CPU compiling its
// code on background threads than the optimized code saves before the process exits. Capped at Maglev
// (Sparkplug on Node 20), a run takes ~25% less CPU, from 792 to 4,520 classes (bench/peers, codegen suite).
// Only in this process: tests and library users calling the generator keep V8's defaults.
if (process.argv[2] === 'codegen') setFlagsFromString('--max-opt=2')

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
})
process.exitCode = code
