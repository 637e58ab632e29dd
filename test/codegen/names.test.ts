import { describe, expect, test } from 'vitest'
import { generateNodeFiles } from '../../src/codegen/generate.js'
import { packLabel, SymbolCollection, toCamelCase, toPascalCase } from '../../src/codegen/names.js'
import { planCodegen } from '../../src/codegen/plan.js'
import { printStatements } from '../../src/codegen/print.js'
import { classStatements } from '../../src/codegen/render.js'
import { normalizeObjectInfo } from '../../src/defs/normalize.js'
import { loadDefs, OBJECT_INFO_FILES, readFixture } from '../helpers/fixtures.js'

describe(toCamelCase.name, () => {
  test.each([
    ['KSampler', 'ksampler'],
    ['KSamplerAdvanced', 'ksamplerAdvanced'],
    ['CheckpointLoaderSimple', 'checkpointLoaderSimple'],
    ['CLIPTextEncode', 'clipTextEncode'],
    ['VAEDecode', 'vaeDecode'],
    ['easy seed', 'easySeed'],
    ['MathExpression|pysssss', 'mathExpressionPysssss'],
    ['CR Multi-ControlNet Stack', 'crMultiControlNetStack'],
    ['LayerUtility: CropByMask V2', 'layerUtilityCropByMaskV2'],
    ['VHS_VideoCombine', 'vhsVideoCombine'],
  ])('%s -> %s', (input, expected) => {
    expect(toCamelCase(input)).toBe(expected)
  })
})

describe(toPascalCase.name, () => {
  test.each([
    ['KSampler', 'KSampler'],
    ['easy seed', 'EasySeed'],
    ['sampler_name', 'SamplerName'],
  ])('%s -> %s', (input, expected) => {
    expect(toPascalCase(input)).toBe(expected)
  })
})

describe(SymbolCollection.name, () => {
  test('clashes get numbers, digits a prefix, reserved words a suffix', () => {
    const names = new SymbolCollection(['createNode'])
    expect(names.allocate('ksampler')).toBe('ksampler')
    expect(names.allocate('ksampler')).toBe('ksampler2')
    expect(names.allocate('ksampler')).toBe('ksampler3')
    expect(names.allocate('3dModel')).toBe('_3dModel')
    expect(names.allocate('switch')).toBe('switchNode')
    expect(names.allocate('createNode')).toBe('createNode2')
  })
})

describe('names of core and custom classes', () => {
  const coreRaw = JSON.parse(readFixture('object_info', OBJECT_INFO_FILES.core026)) as Record<string, Record<string, unknown>>
  // The WAS suite's loader: same inputs as core's, a display name whose camelCase is core's factory name.
  const was = { ...coreRaw['CheckpointLoaderSimple'], name: 'Checkpoint Loader (Simple)', python_module: 'custom_nodes.was-node-suite-comfyui' }
  const other = { ...coreRaw['CheckpointLoaderSimple'], name: 'CheckpointLoader Simple', python_module: 'custom_nodes.ComfyUI-Impact-Pack' }
  const raw = { 'Checkpoint Loader (Simple)': was, 'CheckpointLoader Simple': other, ...coreRaw }
  const plan = planCodegen(normalizeObjectInfo(raw).defs)
  const byClass = new Map(plan.classes.map((c) => [c.def.classType, c]))

  test('a custom class never takes a core factory name; the clash gets the pack label and an explanation', () => {
    expect(byClass.get('CheckpointLoaderSimple')).toMatchObject({
      functionName: 'checkpointLoaderSimple',
      inputsType: 'CheckpointLoaderSimpleInputs',
      nodeType: 'CheckpointLoaderSimpleNode',
    })
    expect(byClass.get('CheckpointLoaderSimple')?.nameNote).toBeUndefined()
    expect(byClass.get('Checkpoint Loader (Simple)')).toMatchObject({
      functionName: 'checkpointLoaderSimpleWas',
      inputsType: 'CheckpointLoaderSimpleWasInputs',
      nodeType: 'CheckpointLoaderSimpleWasNode',
      nameNote: 'Named `checkpointLoaderSimpleWas` because `checkpointLoaderSimple` is core `CheckpointLoaderSimple`\'s factory.',
    })
    expect(byClass.get('CheckpointLoader Simple')?.functionName).toBe('checkpointLoaderSimpleImpact')
  })

  test('the explanation is in the generated JSDoc', async () => {
    const files = await generateNodeFiles(normalizeObjectInfo(raw).defs)
    const loaders = files.find((f) => f.text.includes('export function checkpointLoaderSimpleWas('))?.text ?? ''
    expect(loaders).toMatch(/ \* Named `checkpointLoaderSimpleWas` because `checkpointLoaderSimple` is core `CheckpointLoaderSimple`'s factory\.\n[^]*?\nexport function checkpointLoaderSimpleWas\(/)
    expect(loaders).toContain("createNode<CheckpointLoaderSimpleNode>({ classType: 'CheckpointLoaderSimple'")
  })

  test('classes from the same place clash with a number; identifier class types choose first', () => {
    const defs = normalizeObjectInfo({
      'Foo Bar': { ...coreRaw['CheckpointLoaderSimple'], python_module: 'nodes' },
      FooBar: { ...coreRaw['CheckpointLoaderSimple'], python_module: 'nodes' },
    }).defs
    const names = new Map(planCodegen(defs).classes.map((c) => [c.def.classType, c]))
    expect(names.get('FooBar')?.functionName).toBe('fooBar')
    expect(names.get('Foo Bar')).toMatchObject({ functionName: 'fooBar2', inputsType: 'FooBar2Inputs', nameNote: 'Named `fooBar2` because `fooBar` is core `FooBar`\'s factory.' })
  })

  test('core classes and unions print the same with or without custom nodes beside them (real custom-node snapshot)', () => {
    const full = loadDefs('custom')
    const coreOnly = { classes: new Map([...full.classes].filter(([, def]) => !def.pythonModule.startsWith('custom_nodes.'))) }
    expect(coreOnly.classes.size).toBeLessThan(full.classes.size)
    const withCustom = planCodegen(full)
    const alone = planCodegen(coreOnly)
    const text = (p: typeof alone, classType: string): string => {
      const c = p.classes.find((x) => x.def.classType === classType) as (typeof alone.classes)[number]
      return printStatements(classStatements(c, p, new Set()))
    }
    for (const classType of coreOnly.classes.keys()) expect(text(withCustom, classType), classType).toBe(text(alone, classType))
    // Every core union keeps its name (custom-only unions come on top):
    const names = new Set(withCustom.enums.map((e) => `${e.name}=${JSON.stringify(e.options)}`))
    for (const e of alone.enums) expect(names, e.name).toContain(`${e.name}=${JSON.stringify(e.options)}`)
  })
})

describe(packLabel.name, () => {
  test.each([
    ['was-node-suite-comfyui', 'Was'],
    ['ComfyUI-Impact-Pack', 'Impact'],
    ['comfyui-kjnodes', 'Kjnodes'],
    ['ComfyUI_Swwan', 'Swwan'],
    ['cg-use-everywhere', 'CgUseEverywhere'],
    ['ComfyUI', 'ComfyUi'],
  ])('%s -> %s', (pack, label) => {
    expect(packLabel(pack)).toBe(label)
  })
})
