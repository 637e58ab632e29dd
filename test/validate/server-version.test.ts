/** Which ComfyUI release a set of definitions came from, and how the choice is made and shown. */
import { describe, expect, it } from 'vitest'
import { generateNodeFiles } from '../../src/codegen/generate.js'
import { loadObjectInfoFile } from '../../src/codegen/source.js'
import { parseObjectInfo } from '../../src/defs/load.js'
import { chooseServerVersion, definitionsVersionLabel, describeServerVersion } from '../../src/validate/index.js'
import { fixturePath, readFixture } from '../helpers/fixtures.js'

const neutral = (file: string) => parseObjectInfo(readFixture('object_info', file)).defs

describe('the release told by the object_info keys', () => {
  it.each([
    // [file, the releases it fits, the behaviour judged]
    ['core_comfyui_v0.8.0_cpu.object_info.json', { before: '0.9.0' }, '0.8.0'],
    ['custom_nodes_autoflow_2026-02.object_info.json', { from: '0.9.0', before: '0.12.0' }, '0.9.0'],
    ['core_comfyui_v0.22.0.object_info.json', { from: '0.19.0' }, '0.26.0'],
    ['core_comfyui_v0.26.0.object_info.json', { from: '0.19.0' }, '0.26.0'],
  ])('%s fits %o and is judged as %s', (file, fits, version) => {
    const choice = chooseServerVersion(neutral(file))
    expect(choice).toMatchObject({ source: 'object_info', fits, behaviour: { version } })
  })

  it('the behaviours follow: 0.8.0 names an unknown class invalid_prompt and has no cycle check', () => {
    expect(chooseServerVersion(neutral('core_comfyui_v0.8.0_cpu.object_info.json')).behaviour).toMatchObject({
      missingNodeType: false,
      dependencyCycle: false,
      canonicalPromptId: false,
    })
    expect(chooseServerVersion(neutral('core_comfyui_v0.26.0.object_info.json')).behaviour).toMatchObject({
      missingNodeType: true,
      dependencyCycle: true,
      canonicalPromptId: true,
    })
  })

  it('a named release wins: the option, then the one recorded with the definitions', async () => {
    const defs = neutral('core_comfyui_v0.8.0_cpu.object_info.json')
    expect(chooseServerVersion(defs, '0.22.0')).toMatchObject({ source: 'option', behaviour: { version: '0.22.0' } })
    const named = await loadObjectInfoFile(fixturePath('object_info', 'core_comfyui_v0.22.0.object_info.json'))
    expect(chooseServerVersion(named.defs)).toMatchObject({ source: 'definitions', behaviour: { version: '0.22.0' } })
    expect(chooseServerVersion({ classes: new Map() })).toMatchObject({ source: 'default', behaviour: { version: '0.26.0' } })
  })

  it('is described in words, and in generated headers when no version is recorded', async () => {
    const choice = chooseServerVersion(neutral('core_comfyui_v0.8.0_cpu.object_info.json'))
    expect(describeServerVersion(choice)).toBe(
      'ComfyUI 0.8.0 [fits releases before 0.9.0] (object_info: "is_input_list" absent (before v0.12), "has_intermediate_output" absent (before v0.19), "price_badge" absent (before v0.9))',
    )
    const { defs } = await loadObjectInfoFile(fixturePath('codegen', 'mini.object_info.json'))
    expect(definitionsVersionLabel(defs)).toBe('unknown; object_info fits 0.19.0 and later')
    const [first] = await generateNodeFiles(defs)
    expect(first?.text).toContain('// ComfyUI version: unknown; object_info fits 0.19.0 and later')
  })
})
