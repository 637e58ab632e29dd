import { describe, expect, test } from 'vitest'
import { SymbolCollection, toCamelCase, toPascalCase } from '../../src/codegen/names.js'

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
