/**
 * `comfy-dsl render FILE [-o FILE.svg] [--object-info FILE | --server URL] [--overwrite] [--json]`: a UI workflow (or
 * the workflow a ComfyUI output PNG/WebP carries) drawn as SVG; an API prompt is laid out first, as
 * `convert --to ui` does. `-` reads stdin (FILE) or writes stdout (--out).
 * @module
 */
import { extname, resolve } from 'node:path'
import { detectFormat, readApiPrompt } from '../../convert/format.js'
import type { DefSet } from '../../defs/model.js'
import { formatLocation } from '../../errors.js'
import { parseJson } from '../../json/lossless.js'
import { renderWorkflowSvg } from '../../render/index.js'
import { apiToWorkflow } from '../../workflow/from-api.js'
import { loadDefsFor, definitionsServerOption, objectInfoOption } from '../defs-source.js'
import { CliUsageError, EXIT, type CliCommand, type CliIo } from '../io.js'
import { assertWritable, readInput, Report, shownName, STDIO, writeOutput } from '../output.js'
import { serverUrl } from '../server-flag.js'

interface RenderFlags {
  objectInfo?: string
  server?: string
  out?: string
  overwrite?: boolean
  json?: boolean
}

/** Images whose embedded workflow is drawn (ComfyUI writes it into PNG text chunks and WebP EXIF). */
const IMAGE_EXTENSIONS = new Set(['.png', '.webp'])

export const renderCommand: CliCommand = {
  register(program, io, done) {
    program
      .command('render')
      .description('draw a workflow as SVG: nodes with their sockets and widget values, links coloured by type, groups')
      .argument('<file>', 'UI workflow JSON, API JSON (laid out first), or a PNG/WebP that ComfyUI saved with its workflow; - reads JSON from stdin')
      .option('-o, --out <file>', 'write the SVG to this file instead of printing it (- prints it)')
      .option('--overwrite', 'replace --out when it exists')
      .addOption(objectInfoOption('node definitions that name widget values'))
      .addOption(definitionsServerOption())
      .option('--json', 'print one JSON object: {ok, exitCode, format, nodes, links, groups, width, height, out | svg, warnings}')
      .action(async (file: string, flags: RenderFlags) => {
        done(await runRender(file, flags, io))
      })
  },
}

async function runRender(file: string, flags: RenderFlags, io: CliIo): Promise<number> {
  const report = new Report(io, flags.json)
  try {
    if (flags.server !== undefined) serverUrl(flags.server)
    assertWritable(flags.out, flags.overwrite, io)
    const shown = shownName(file)
    const { defs } = await loadDefsFor(flags, io, { onError: 'skip' }, report)
    const { format, workflow } = await readWorkflow(file, shown, io, defs, report)
    const result = renderWorkflowSvg(workflow, { defs, file: shown })
    for (const warning of result.warnings) report.warn(`${formatLocation(warning.path, shown)}: ${warning.message}`, shown)
    const toStdout = flags.out === undefined || flags.out === STDIO
    if (report.json) {
      report.set('format', format)
      for (const key of ['nodes', 'links', 'groups', 'width', 'height'] as const) report.set(key, result[key])
      // stdout carries the JSON document, so the picture goes into it unless it goes to a file:
      if (toStdout) report.set('svg', result.svg)
      else {
        await writeOutput(flags.out as string, result.svg, flags.overwrite, io)
        report.set('out', flags.out)
      }
      return report.finish(EXIT.ok)
    }
    await writeOutput(flags.out ?? STDIO, result.svg, flags.overwrite, io)
    if (!toStdout) report.note(`${flags.out}: ${result.nodes} nodes, ${result.links} links, ${result.groups} groups`)
    return report.finish(EXIT.ok)
  } catch (error) {
    return report.finish(report.fail(error))
  }
}

/** The UI workflow in a JSON file, embedded in a ComfyUI output image, or laid out from an API prompt. */
async function readWorkflow(file: string, shown: string, io: CliIo, defs: DefSet, report: Report): Promise<{ format: 'ui' | 'api' | 'image'; workflow: unknown }> {
  if (file !== STDIO && IMAGE_EXTENSIONS.has(extname(file).toLowerCase())) {
    // sharp and the metadata reader are loaded only for images:
    const { readWorkflowMetadata } = await import('../../images/index.js')
    const metadata = await readWorkflowMetadata(resolve(io.cwd, file))
    if (metadata.workflow !== undefined) return { format: 'image', workflow: metadata.workflow }
    if (metadata.prompt !== undefined) {
      report.warn(`${shown} has only the API prompt (no "workflow" entry); it is laid out anew`, shown)
      return { format: 'image', workflow: layOut(metadata.prompt, `${shown} (metadata "prompt")`, defs, report) }
    }
    throw new CliUsageError(`${shown} has no workflow metadata; ComfyUI embeds it unless the server runs with --disable-metadata`, { file })
  }
  const json = parseJson(await readInput(file, io), { file: shown })
  if (detectFormat(json, { file: shown }) === 'api') return { format: 'api', workflow: layOut(json, shown, defs, report) }
  return { format: 'ui', workflow: json }
}

// An API prompt has no positions: it is laid out left to right as `convert --to ui` does.
function layOut(json: unknown, shown: string, defs: DefSet, report: Report): unknown {
  return apiToWorkflow(readApiPrompt(json, { file: shown }), defs, { warn: (w) => report.warn(`${shown}: ${w.message}`, shown) })
}
