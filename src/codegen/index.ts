/**
 * `comfy-dsl/codegen`: typed node factories from a server's `/object_info` (Node only; generating loads neither ts-morph nor TypeScript).
 *
 * ```ts
 * const { defs } = await loadObjectInfoFile('object_info.json')
 * await writeGeneratedFiles('src/comfy', await generateNodeFiles(defs))
 * ```
 * @module
 */
export { generateNodeFiles, GENERATED_MARKER } from './generate.js'
export type { GeneratedFile, GenerateOptions } from './generate.js'
export { writeGeneratedFiles } from './write.js'
export type { WriteResult } from './write.js'
export { loadObjectInfoFile, loadObjectInfoFromServer, ObjectInfoSourceError, sha256 } from './source.js'
export type { LoadedDefs, LoadOptions } from './source.js'
export { SymbolCollection, toCamelCase, toPascalCase } from './names.js'
export { planCodegen } from './plan.js'
export type { ClassPlan, CodegenPlan } from './plan.js'
