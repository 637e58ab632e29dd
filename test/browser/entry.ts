/**
 * The core entries as a browser page uses them (bundled by esbuild for the browser, run in headless Chromium by
 * core.test.ts): build a graph with the generated factories, validate it against the core definitions, convert a
 * UI workflow, render a template, and write a 64-bit seed exactly. The results go to `globalThis.coreResults`.
 */
import { loadWorkflow, parseJson, renderWorkflowSvg, stringifyJson, toPrompt, toPromptJson, validate } from '../../src/index.js'
import { coreDefs } from '../../src/defs/core/index.js'
import { checkpointLoaderSimple, clipTextEncode, emptyLatentImage, ksampler, saveImage, vaeDecode } from '../../src/nodes/index.js'
import { img2imgDefault } from '../../src/templates/index.js'

export function runCore(uiWorkflowText: string): string {
  const ckpt = checkpointLoaderSimple({ ckpt_name: 'v1-5-pruned-emaonly-fp16.safetensors' })
  const positive = clipTextEncode({ text: 'a photo of a cat', clip: ckpt.CLIP })
  const sampled = ksampler({
    model: ckpt.MODEL,
    seed: 18446744073709551615n,
    sampler_name: 'euler',
    scheduler: 'karras',
    positive: positive.CONDITIONING,
    negative: positive.CONDITIONING,
    latent_image: emptyLatentImage({ width: 512, height: 512 }).LATENT,
  })
  const save = saveImage({ images: vaeDecode({ samples: sampled.LATENT, vae: ckpt.VAE }).IMAGE })
  const prompt = toPrompt(save)
  const json = toPromptJson([save])
  const verdict = validate(prompt, coreDefs, { files: 'assume-present' })
  const rejected = validate({ ...prompt, '9': { class_type: 'NoSuchNode', inputs: {} } }, coreDefs, { files: 'assume-present' })
  const converted = loadWorkflow(uiWorkflowText, coreDefs, { file: 'workflow.json' })
  const rendered = img2imgDefault.render({ positive: 'a lighthouse' })
  // The workflow drawn as SVG, parsed back by the browser's own XML parser:
  const picture = renderWorkflowSvg(parseJson(uiWorkflowText), { defs: coreDefs })
  const svgDoc = new (globalThis as unknown as { DOMParser: new () => BrowserDomParser }).DOMParser().parseFromString(picture.svg, 'image/svg+xml')
  return stringifyJson({
    userAgent: (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent,
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    json,
    seedBack: Object.values(parseJson(json) as Record<string, { class_type: string; inputs: Record<string, unknown> }>).find((n) => n.class_type === 'KSampler')?.inputs['seed'],
    accepted: verdict.accepted,
    outputs: verdict.outputs,
    rejectedError: rejected.error?.type ?? null,
    converted: { format: converted.format, classes: Object.values(converted.prompt).map((n) => n.class_type).sort() },
    templateAccepted: validate(rendered.prompt, coreDefs, { files: 'assume-present' }).accepted,
    coreClasses: coreDefs.classes.size,
    svg: {
      root: svgDoc.documentElement.nodeName,
      parseErrors: svgDoc.getElementsByTagName('parsererror').length,
      links: svgDoc.querySelectorAll('path.link').length,
      nodes: svgDoc.querySelectorAll('rect.node-box').length,
    },
  })
}

// The few DOM members used here (the project compiles without the DOM library):
interface BrowserDomParser {
  parseFromString(text: string, type: string): {
    documentElement: { nodeName: string }
    getElementsByTagName(name: string): { length: number }
    querySelectorAll(selector: string): { length: number }
  }
}

;(globalThis as { runCore?: typeof runCore }).runCore = runCore
