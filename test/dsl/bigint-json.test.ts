/** A prompt or a verdict body goes through JSON.stringify when its integers fit, and says what to do when not. */
import { describe, expect, test } from 'vitest'
import { coreDefs } from '../../src/defs/core/index.js'
import { node } from '../../src/dsl/node.js'
import { toPrompt, toPromptJson } from '../../src/dsl/prompt.js'
import { SerializationError } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/json/lossless.js'
import { validate } from '../../src/validate/validate.js'

const graph = (seed: number | bigint) => {
  const seedNode = node('PrimitiveInt', { value: seed })
  return node('PreviewAny', { source: seedNode.out(0) })
}

describe('bigint seeds and JSON.stringify', () => {
  test('bigints up to 2^53 become numbers: JSON.stringify works', () => {
    const prompt = toPrompt(graph(2n ** 53n - 1n))
    expect(prompt['1']?.inputs['value']).toBe(Number.MAX_SAFE_INTEGER)
    expect(JSON.parse(JSON.stringify(prompt))).toEqual(prompt)
  })

  test('beyond 2^53 JSON.stringify names the input and says what to use; stringifyJson writes it exactly', () => {
    const prompt = toPrompt(graph(18446744073709551615n))
    const stringify = () => JSON.stringify({ prompt })
    expect(stringify).toThrow(SerializationError)
    expect(stringify).toThrow('the prompt holds an integer beyond 2^53 (node "1" input "value": 18446744073709551615n)')
    expect(stringify).toThrow('use stringifyJson() or toPromptJson() from comfy-dsl')
    expect(stringifyJson(prompt)).toContain('"value":18446744073709551615')
    expect(toPromptJson([graph(18446744073709551615n)])).toBe(stringifyJson(prompt))
    expect(parseJson(stringifyJson({ prompt }))).toEqual({ prompt })
    // The guard is not data: it does not show in keys or comparisons.
    expect(Object.keys(prompt)).toEqual(['1', '2'])
  })

  test('a verdict body with 64-bit bounds goes through stringifyJson and explains itself to JSON.stringify', () => {
    const prompt = {
      '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'model.safetensors' } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: 'x', clip: ['1', 1] } },
      '3': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      '4': {
        class_type: 'KSampler',
        inputs: { model: ['1', 0], seed: -1, steps: 1, cfg: 7, sampler_name: 'euler', scheduler: 'normal', positive: ['2', 0], negative: ['2', 0], latent_image: ['3', 0], denoise: 1 },
      },
      '5': { class_type: 'VAEDecode', inputs: { samples: ['4', 0], vae: ['1', 2] } },
      '6': { class_type: 'SaveImage', inputs: { images: ['5', 0], filename_prefix: 'x' } },
    }
    const verdict = validate(prompt, coreDefs, { files: 'assume-present' })
    expect(verdict.accepted).toBe(false)
    const body = verdict.response()
    expect(() => JSON.stringify(body)).toThrow(/the response body holds an integer beyond 2\^53 .*18446744073709551615n.*stringifyJson/)
    expect(stringifyJson(body)).toContain('18446744073709551615')
    const accepted = validate(toPrompt(graph(7)), coreDefs).response({ promptId: 'p' })
    expect(JSON.parse(JSON.stringify(accepted))).toEqual({ prompt_id: 'p', number: 0, node_errors: {} })
  })
})
