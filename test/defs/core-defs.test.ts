import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { decodeDefSet, encodeNodeDef } from '../../src/defs/core/codec.js'
import { CORE_CLASSES, CORE_SNAPSHOT, coreDefs } from '../../src/defs/core/index.js'
import { parseObjectInfo } from '../../src/defs/load.js'
import type { InputDef, NumberInputDef } from '../../src/defs/model.js'
import { sha256 } from '../../src/codegen/source.js'

const ROOT = join(import.meta.dirname, '../..')
const snapshotText = readFileSync(join(ROOT, CORE_SNAPSHOT.file), 'utf8')

describe('comfy-dsl/defs: the pre-normalized core definitions', () => {
  test('are what normalizing the bundled snapshot gives, class by class', () => {
    expect(sha256(snapshotText)).toBe(CORE_SNAPSHOT.sha256)
    const fresh = parseObjectInfo(snapshotText, { comfyuiVersion: '0.26.0', sha256: CORE_SNAPSHOT.sha256 }).defs
    expect(coreDefs.comfyuiVersion).toBe('0.26.0')
    expect(coreDefs.sha256).toBe(CORE_SNAPSHOT.sha256)
    expect([...coreDefs.classes.keys()]).toEqual([...fresh.classes.keys()])
    for (const [name, def] of fresh.classes) expect(coreDefs.classes.get(name), name).toEqual(def)
  })

  test('keep seeds beyond 2^53 exact and share each input config with its spec, as normalize does', () => {
    const seed = coreDefs.classes.get('KSampler')?.inputs.find((i) => i.name === 'seed') as NumberInputDef
    expect(seed.max).toBe(18446744073709551615n)
    const every = (inputs: readonly InputDef[]): InputDef[] =>
      inputs.flatMap((i) => [
        i,
        ...(i.kind === 'AUTOGROW' ? every([i.template]) : []),
        ...(i.kind === 'DYNAMIC_COMBO' ? i.choices.flatMap((c) => every(c.inputs)) : []),
        ...(i.kind === 'DYNAMIC_SLOT' ? every(i.inputs) : []),
      ])
    const inputs = [...coreDefs.classes.values()].flatMap((def) => every(def.inputs))
    expect(inputs.length).toBeGreaterThan(3000)
    expect(inputs.filter((i) => i.config !== i.spec[1])).toEqual([])
  })

  test('decode a class on first read only; has, keys and size need no decoding', () => {
    const [first, second] = CORE_CLASSES as [readonly [string, string], readonly [string, string]]
    const defs = decodeDefSet([first, second], {})
    const map = defs.classes as Map<string, unknown>
    expect(map.size).toBe(2)
    expect(map.has(second[0])).toBe(true)
    expect([...map.keys()]).toEqual([first[0], second[0]])
    // Undecoded values are held as undefined by the underlying Map:
    expect(Map.prototype.get.call(map, first[0])).toBeUndefined()
    expect(defs.classes.get(first[0])?.classType).toBe(first[0])
    expect(Map.prototype.get.call(map, first[0])).toBeDefined()
    expect(Map.prototype.get.call(map, second[0])).toBeUndefined()
    expect([...defs.classes.values()].map((d) => d.classType)).toEqual([first[0], second[0]])
    expect(defs.classes.get('NoSuchClass')).toBeUndefined()
  })

  test('round-trip bigints anywhere in a definition', () => {
    const def = parseObjectInfo('{"Big":{"input":{"required":{"n":["INT",{"default":18446744073709551615,"min":-9007199254740993}]}},"output":[]}}')
      .defs.classes.get('Big')
    const text = encodeNodeDef(def as never)
    const back = decodeDefSet([['Big', text]], {}).classes.get('Big')
    expect(back).toEqual(def)
    expect((back?.inputs[0] as NumberInputDef).min).toBe(-9007199254740993n)
    expect(back?.inputs[0]?.default).toBe(18446744073709551615n)
  })
})
