/**
 * Every UI/API pair saved from one image: the conversion equals the saved API JSON, up to the differences listed
 * per pair, each with its reason. The snapshot per pair is the one whose definitions the saving editor saw.
 */
import { describe, expect, test } from 'vitest'
import { uiToApi } from '../../src/convert/ui-to-api.js'
import type { ApiPrompt } from '../../src/dsl/prompt.js'
import { parseJson } from '../../src/json/lossless.js'
import { loadDefs, OBJECT_INFO_FILES, readFixture } from '../helpers/fixtures.js'
import { applyDifference, withoutServerKeys, type Difference } from './pair-differences.js'

type Snapshot = keyof typeof OBJECT_INFO_FILES

const noTitles: Difference = { kind: 'no-titles' }
const uploads = (...nodes: string[]): Difference => ({ kind: 'upload-button', nodes })
const added = (node: string, input: string): Difference => ({ kind: 'input-added', node, input })
const named = (node: string, then: string): Difference => ({ kind: 'display-name', node, then })

// [pair, snapshot, differences]; core v0.26.0 unless an older snapshot has the display names the editor used.
const PAIRS: readonly (readonly [string, Snapshot, readonly Difference[]])[] = [
  ['2_pass_txt2img__hiresfix_esrgan_workflow', 'core026', [noTitles]],
  ['2_pass_txt2img__latent_upscale_different_prompt_model', 'core026', [noTitles]],
  ['area_composition__morning_day_evening_night', 'core026', [noTitles]],
  ['area_composition__night_evening_day_morning_subject', 'core026', [noTitles]],
  ['area_composition__square_area_for_subject', 'core026', [noTitles]],
  ['aura_flow__aura_flow_0.1_example', 'core026', [noTitles]],
  ['autoflow__txt2img_basic', 'core026', [{ kind: 'foreign-meta', reason: 'comfyui-autoflow example file: `_meta.seeds` notes, no titles' }]],
  ['chroma__chroma_example', 'core026', []],
  ['chroma__fennec_girl_hug', 'core026', []],
  ['comfy-ts__simple_2024-11-13', 'core026', [noTitles]],
  ['controlnet__2_pass_pose_worship', 'core026', [noTitles, uploads('12')]],
  ['controlnet__depth_controlnet', 'core026', [noTitles, uploads('20')]],
  ['controlnet__mixing_controlnets', 'core026', [noTitles, uploads('20', '21')]],
  ['edit_models__sdxl_edit_model', 'core026', [noTitles, added('37:7', 'style'), uploads('13')]],
  ['flux__flux_canny_model_example', 'core026', [noTitles, added('34', 'device'), uploads('17')]],
  ['flux__flux_depth_lora_example', 'core026', [noTitles, added('34', 'device'), uploads('17')]],
  ['flux__flux_dev_example', 'core026', [noTitles, added('11', 'device')]],
  ['flux__flux_kontext_example', 'core080', []],
  ['flux__flux_redux_model_example', 'core026', [noTitles, added('11', 'device'), added('39', 'crop'), added('41', 'strength'), added('41', 'strength_type'), uploads('40')]],
  ['flux__flux_schnell_example', 'core026', [noTitles, added('11', 'device')]],
  ['gligen__gligen_textbox_example', 'core026', [noTitles]],
  ['hidream__hidream_e1.1_example', 'core022', [added('45', 'resolution_steps'), named('53', 'DualCFGGuider')]],
  ['hidream__hidream_full_example', 'core022', []],
  ['hunyuan_video__hunyuan_video_image_to_video_v2', 'core080', []],
  ['hypernetworks__hypernetwork_example', 'core026', [noTitles]],
  ['inpaint__inpain_model_cat', 'core026', [noTitles, added('26', 'grow_mask_by'), uploads('20')]],
  ['inpaint__inpain_model_woman', 'core026', [noTitles, added('26', 'grow_mask_by'), uploads('20')]],
  ['inpaint__inpaint_example', 'core026', [noTitles, added('26', 'grow_mask_by'), uploads('20')]],
  ['lora__lora', 'core026', [noTitles]],
  ['ltxv__ltxv_image_to_video.0.9.5', 'core080', [uploads('78', '85')]],
  ['ltxv__ltxv_text_to_video', 'core026', [noTitles, added('38', 'device')]],
  ['mochi__mochi_simple_checkpoint', 'core026', [noTitles]],
  ['model_merging__model_merging_3_checkpoints', 'core026', [noTitles]],
  ['model_merging__model_merging_cosxl', 'core026', [noTitles]],
  ['model_merging__model_merging_lora', 'core026', [noTitles]],
  ['noisy_latent_composition__noisy_latents_3_subjects_', 'core026', [noTitles]],
  ['qwen_image__qwen_image_basic_example', 'core026', []],
  ['qwen_image__qwen_image_edit_basic_example', 'core022', []],
  ['sd3__sd3.5_simple_example', 'core026', [noTitles]],
  ['sd3__sd3_anime_example', 'core026', [noTitles]],
  ['sd3__sd3_simple_example', 'core026', [noTitles]],
  ['sdturbo__sdxlturbo_example', 'core026', [noTitles, added('22', 'denoise')]],
  ['sdxl__sdxl_revision_text_prompts', 'core026', [noTitles, added('13', 'crop'), added('36', 'crop'), uploads('34', '38')]],
  ['sdxl__sdxl_simple_example', 'core026', [noTitles]],
  ['stable_cascade__stable_cascade__image_remixing', 'core026', [noTitles, added('50', 'crop'), uploads('48')]],
  ['stable_cascade__stable_cascade__image_to_image', 'core026', [noTitles, uploads('48')]],
  ['stable_cascade__stable_cascade__text_to_image', 'core026', [noTitles]],
  ['stablecanvas__workflow-min', 'core026', []],
  ['unclip__unclip_2pass', 'core026', [noTitles, added('13', 'crop'), added('36', 'crop'), uploads('34', '38')]],
  ['unclip__unclip_example_multiple', 'core026', [noTitles, added('13', 'crop'), added('36', 'crop'), uploads('34', '38')]],
  ['video__image_to_video', 'core026', [noTitles, uploads('23')]],
  ['wan22__image_to_video_wan22_14B', 'core080', []],
  ['wan22__text_to_video_wan22_14B', 'core080', [named('61', 'EmptyHunyuanLatentVideo')]],
  ['wan__image_to_video_wan_720p_example', 'core080', [uploads('52')]],
  ['wan__text_to_video_wan', 'core080', [named('40', 'EmptyHunyuanLatentVideo')]],
]

function pair(name: string): { ui: unknown; api: ApiPrompt } {
  return {
    ui: parseJson(readFixture('workflows', 'pairs', `${name}.ui.json`)),
    api: parseJson(readFixture('workflows', 'pairs', `${name}.api.json`)) as unknown as ApiPrompt,
  }
}

describe('UI to API conversion of the saved pairs', () => {
  test.each(PAIRS)('%s (%s)', (name, snapshot, differences) => {
    const { ui, api } = pair(name)
    const actual = structuredClone(uiToApi(ui, loadDefs(snapshot), { file: name }).prompt)
    const expected = withoutServerKeys(api)
    for (const difference of differences) applyDifference(difference, actual, expected)
    expect(actual).toEqual(expected)
  })

  test('the table covers every pair in the fixtures but the one without definitions', async () => {
    const { readdirSync } = await import('node:fs')
    const { fixturePath } = await import('../helpers/fixtures.js')
    const all = readdirSync(fixturePath('workflows', 'pairs'))
      .filter((f) => f.endsWith('.ui.json'))
      .map((f) => f.slice(0, -'.ui.json'.length))
    expect(all.filter((n) => !PAIRS.some(([p]) => p === n))).toEqual([IMPACT_PACK])
  })
})

// Cannot match: the Impact Pack classes are in no fixture snapshot, so their widget values cannot be named
// (the file predates the editor's widget sockets). The core nodes still match, and the custom ones keep their links.
const IMPACT_PACK = 'comfy-ts__advanced_impactpack_2024-11-14'

test(`${IMPACT_PACK}: core nodes exact, unknown classes keep their links and are reported`, () => {
  const { ui, api } = pair(IMPACT_PACK)
  const defs = loadDefs('core026')
  const { prompt, warnings } = uiToApi(ui, defs, { file: IMPACT_PACK })
  expect(Object.keys(prompt).sort()).toEqual(Object.keys(api).sort())
  for (const [id, node] of Object.entries(api)) {
    const converted = prompt[id]
    if (converted === undefined) throw new Error(`node ${id} missing`)
    if (defs.classes.has(node.class_type)) {
      expect({ ...converted, _meta: undefined }, id).toEqual({ ...node, _meta: undefined })
    } else {
      const links = Object.fromEntries(Object.entries(node.inputs).filter(([, v]) => Array.isArray(v)))
      expect(converted.inputs, id).toEqual(links)
    }
  }
  const unmapped = warnings.filter((w) => w.code === 'widgets_unmapped').map((w) => w.nodeId)
  expect(unmapped.length).toBeGreaterThan(0)
  for (const id of unmapped) expect(defs.classes.has(api[id as string]?.class_type as string)).toBe(false)
})
