/**
 * `comfy-dsl edit IMAGE --prompt "..." [--negative "..."] [--template NAME] [--mask MASK] [--control FILE]
 * [--param name=value ...] [--server URL] --out FILE`: edits an image through a template, with the progress bar
 * of `run`, and prints where the result went and how much changed.
 * Exit 0: done; 1: rejected or failed; 2: unusable input (an existing --out or --diff without --overwrite among
 * them, refused before anything runs); 3: server unreachable; 130: interrupted (Ctrl-C cancels the job on the server).
 * @module
 */
import { resolve } from 'node:path'
import { Option } from 'commander'
import { ComfyClient, type EditResult } from '../../client/index.js'
import { InvalidArgumentError } from '../../errors.js'
import type { ParamValue, TemplateName } from '../../templates/index.js'
import { EXIT, type CliCommand, type CliIo } from '../io.js'
import { jobExitCode } from '../job-exit.js'
import { assertWritable, Report } from '../output.js'
import { RunProgress } from '../progress.js'
import { DEFAULT_SERVER, serverUrl } from '../server-flag.js'
import { collect } from '../option-values.js'

interface EditFlags {
  prompt: string
  negative?: string
  template?: TemplateName
  mask?: string
  control?: string
  param: string[]
  server: string
  out: string
  overwrite?: boolean
  maxSide?: string
  restoreSize?: boolean
  diff?: string
  timeout?: string
  json?: boolean
}

export const editCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('edit')
      .description('edit an image with prompts through a template (img2img_default, inpaint_masked, controlnet_canny)')
      .argument('<image>', 'the image to edit (PNG, JPEG, WebP...)')
      .requiredOption('--prompt <text>', 'positive prompt')
      .option('--negative <text>', 'negative prompt')
      .addOption(
        new Option('--template <name>', 'default: inpaint_masked with --mask, img2img_default otherwise').choices([
          'img2img_default',
          'inpaint_masked',
          'controlnet_canny',
        ]),
      )
      .option('--mask <file>', 'inpaint_masked: white marks the area to repaint (default: the image\'s transparent pixels)')
      .option('--control <file>', 'controlnet_canny: the image whose edges steer the result (default: the input)')
      .option('--param <name=value>', 'another template parameter (seed=5, denoise=0.7, checkpoint=...); repeatable', collect, [])
      .addOption(new Option('--server <url>', 'ComfyUI server').env('COMFY_SERVER').default(DEFAULT_SERVER))
      .requiredOption('--out <file>', 'where the edited image is written (PNG)')
      .option('--overwrite', 'replace --out (and --diff) when they exist')
      .option('--max-side <px>', 'fit the image within this many pixels before upload', '1024')
      .option('--restore-size', 'scale the result back to the input size')
      .option('--diff <file>', 'also write an image of the differences')
      .option('--timeout <seconds>', 'cancel the job if it has not finished after this long')
      .option('--json', 'print one JSON object: {ok, exitCode, output, width, height, template, promptId, comparison, diff?, warnings}')
      .action(async (image: string, flags: EditFlags) => {
        done(await runEdit(image, flags, io))
      })
  },
}

async function runEdit(image: string, flags: EditFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  const controller = new AbortController()
  const onSigint = (): void => controller.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  let client: ComfyClient | undefined
  let progress: RunProgress | undefined
  try {
    // Refused before anything is uploaded or run: an existing output, a server URL without a scheme.
    assertWritable(flags.out, flags.overwrite, io)
    assertWritable(flags.diff, flags.overwrite, io, '--diff')
    client = new ComfyClient({ url: serverUrl(flags.server) })
    client.on('warning', (message) => report.warn(message))
    const path = (file: string): string => resolve(io.cwd, file)
    const maxSide = positiveNumber('--max-side', flags.maxSide ?? '1024')
    const result = await client.edit({
      image: path(image),
      positive: flags.prompt,
      ...(flags.negative === undefined ? {} : { negative: flags.negative }),
      ...(flags.template === undefined ? {} : { template: flags.template }),
      ...(flags.mask === undefined ? {} : { mask: path(flags.mask) }),
      ...(flags.control === undefined ? {} : { control: path(flags.control) }),
      params: parseParams(flags.param),
      out: path(flags.out),
      overwrite: flags.overwrite === true,
      maxSide,
      restoreSize: flags.restoreSize === true,
      ...(flags.diff === undefined ? {} : { diff: path(flags.diff) }),
      ...(flags.timeout === undefined ? {} : { timeout: Math.round(positiveNumber('--timeout', flags.timeout) * 1000) }),
      signal: controller.signal,
      onPrompt: (prompt) => {
        progress = new RunProgress(io, prompt, { quiet: report.json })
      },
      onEvent: (event) => progress?.update(event),
    })
    progress?.stop()
    report.line(summary(result).trimEnd())
    report.set('output', result.output)
    report.set('width', result.width)
    report.set('height', result.height)
    report.set('template', result.template)
    report.set('promptId', result.promptId)
    report.set('comparison', result.comparison)
    if (result.diffPath !== undefined) report.set('diff', result.diffPath)
    return report.finish(EXIT.ok)
  } catch (error) {
    progress?.stop()
    return jobExitCode(error, controller.signal.aborted, io, report)
  } finally {
    process.off('SIGINT', onSigint)
    await client?.close()
  }
}

/** `name=value`: numbers and booleans as such, everything else a string. */
function parseParams(values: readonly string[]): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {}
  for (const value of values) {
    const eq = value.indexOf('=')
    if (eq <= 0) throw new InvalidArgumentError(`--param ${JSON.stringify(value)}: expected name=value`)
    const raw = value.slice(eq + 1)
    const number = Number(raw)
    params[value.slice(0, eq)] =
      raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(number) ? (/^-?\d{16,}$/.test(raw) ? BigInt(raw) : number) : raw
  }
  return params
}

function positiveNumber(flag: string, value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`${flag}: expected a positive number, received ${JSON.stringify(value)}`)
  return number
}

function summary(result: EditResult): string {
  const c = result.comparison
  const region = (name: string, r: { psnr: number; ssim: number | null; changedRatio: number } | undefined): string =>
    r === undefined ? '' : `${name}: ${(r.changedRatio * 100).toFixed(1)}% changed, PSNR ${r.psnr.toFixed(1)} dB\n`
  return (
    `${result.output} (${result.width}x${result.height}, ${result.template}, prompt ${result.promptId})\n` +
    `changed: ${(c.changedRatio * 100).toFixed(1)}% of pixels, PSNR ${c.psnr.toFixed(1)} dB, SSIM ${c.ssim === null ? 'n/a' : c.ssim.toFixed(3)}\n` +
    region('inside the mask', c.inside) +
    region('outside the mask', c.outside) +
    (result.diffPath === undefined ? '' : `diff: ${result.diffPath}\n`)
  )
}
