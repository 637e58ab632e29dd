/**
 * Renders every template with its defaults to workflows/<name>.json (API JSON a server accepts as is),
 * workflows/<name>.params.json (its parameter manifest) and workflows/<name>.ui.json (the UI workflow the ComfyUI
 * editor opens, laid out). With --check, writes nothing and fails when stale.
 */
import { join } from 'node:path'
import { loadObjectInfoFile } from '../src/codegen/source.js'
import type { GeneratedFile } from '../src/codegen/generate.js'
import { writeGeneratedFiles } from '../src/codegen/write.js'
import type { DefSet } from '../src/defs/model.js'
import type { ApiPrompt } from '../src/dsl/prompt.js'
import { ComfyError } from '../src/errors.js'
import { stringifyJson } from '../src/json/lossless.js'
import { buildManifest, templates } from '../src/templates/index.js'
import { formatVerdict, validate } from '../src/validate/index.js'
import { apiToWorkflow } from '../src/workflow/from-api.js'
import { BUNDLED_SNAPSHOT, ROOT } from './paths.js'

/** A template whose rendered JSON the validator rejects. */
export class InvalidTemplateError extends ComfyError {}

/**
 * Validates a template's JSON against the bundled core definitions. Model and input files cannot exist in a
 * snapshot taken without models, so file names are assumed present; everything else must pass as on a server.
 */
export function checkTemplatePrompt(name: string, prompt: ApiPrompt, defs: DefSet): void {
  const verdict = validate(prompt, defs, { files: 'assume-present' })
  const outputs = Object.keys(prompt).filter((id) => defs.classes.get(prompt[id]?.class_type ?? '')?.outputNode)
  if (!verdict.accepted || verdict.outputs.length !== outputs.length) {
    throw new InvalidTemplateError(`${name}: ${formatVerdict(verdict, { file: `${name}.json` })}`)
  }
}

export const WORKFLOWS_DIR = 'workflows'
const FILES_PER_TEMPLATE = 3

export async function renderWorkflowFiles(): Promise<GeneratedFile[]> {
  const { defs } = await loadObjectInfoFile(join(ROOT, BUNDLED_SNAPSHOT))
  const files: GeneratedFile[] = []
  for (const template of Object.values(templates)) {
    const rendered = template.render()
    checkTemplatePrompt(template.name, rendered.prompt, defs)
    const manifest = buildManifest(template as never, rendered, defs)
    files.push({ path: `${template.name}.json`, text: `${stringifyJson(rendered.prompt, 2)}\n` })
    files.push({ path: `${template.name}.params.json`, text: `${stringifyJson(manifest, 2)}\n` })
    files.push({ path: `${template.name}.ui.json`, text: `${stringifyJson(apiToWorkflow(rendered.prompt, defs), 2)}\n` })
  }
  return files
}

export async function generateWorkflows(check: boolean): Promise<string> {
  const files = await renderWorkflowFiles()
  const result = await writeGeneratedFiles(join(ROOT, WORKFLOWS_DIR), files, {
    check,
    isGenerated: (name) => name.endsWith('.json'),
  })
  const what = check ? 'fresh' : `${result.changed.length} written, ${result.obsolete.length} removed`
  return `${WORKFLOWS_DIR}: ${files.length / FILES_PER_TEMPLATE} templates, ${what}`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  generateWorkflows(process.argv.includes('--check')).then(console.log, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
