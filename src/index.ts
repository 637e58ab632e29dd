/**
 * comfy-dsl: typed ComfyUI graphs. The core (node definitions, DSL, validation, conversion) imports nothing
 * from `node:`; Node-only parts live behind `comfy-dsl/codegen`, `comfy-dsl/testing` and the client.
 * @module
 */

/** Node definitions: `/object_info` to the NodeDef model. */
export { normalizeObjectInfo, normalizeNodeDef, parseObjectInfo, hasWidget, splitTypes, suggestNames } from './defs/index.js'
export type * from './defs/model.js'
export type { NormalizeOptions, NormalizeResult } from './defs/index.js'

/** The graph DSL: node handles, typed outputs, API JSON. */
export {
  buildPrompt,
  castOutput,
  createNode,
  defineSubgraph,
  isNodeHandle,
  isOutput,
  node,
  nodeFactory,
  specFromDef,
  toPrompt,
  toPromptJson,
} from './dsl/index.js'
export type {
  ApiLink,
  ApiNode,
  ApiPrompt,
  ApiValue,
  AnyOutput,
  BooleanInput,
  ComboInput,
  DynamicSpec,
  FileInput,
  FloatInput,
  IntInput,
  LiteralValue,
  StringInput,
  InputValue,
  Link,
  NodeFunctionOptions,
  NodeHandle,
  NodeOptions,
  NodeSpec,
  Output,
  PromptRoot,
  ToPromptResult,
  UntypedNode,
} from './dsl/index.js'

/** The offline validator: the verdict of a ComfyUI server's `POST /prompt`, in its own vocabulary. */
export {
  buildPromptJsonSchema,
  chooseServerVersion,
  describeServerVersion,
  formatIssue,
  formatVerdict,
  INTERNAL_SERVER_ERROR_TEXT,
  INTERNAL_SERVER_ERROR_TYPE,
  keyOrderOf,
  LATEST_SERVER_VERSION,
  linkTypeMatches,
  parsePythonJson,
  promptJsonSchemaText,
  PyFloat,
  validate,
  validateRequest,
  validateRequestText,
} from './validate/index.js'
export type {
  AcceptedBody,
  Issue,
  LintType,
  LintWarning,
  NodeError,
  PromptSchemaOptions,
  RejectedBody,
  RequestOptions,
  RequestVerdict,
  ResponseIds,
  ServerBehaviour,
  ServerError,
  ServerVersionChoice,
  ServerVersionSource,
  ValidateOptions,
  Verdict,
} from './validate/index.js'

/** Workflow files: API or UI JSON, UI to API conversion, API import into node handles. */
export * from './convert/index.js'

/** Pictures: a UI workflow drawn as SVG in the editor's look. */
export * from './render/index.js'

/** UI workflows from code: the editor's format, laid out left to right, with groups. */
export * from './workflow/index.js'

/** JSON that keeps 64-bit seeds exact. */
export { parseJson, stringifyJson } from './json/lossless.js'
export { assertJsonDepth } from './json/depth.js'
export type { DepthOptions } from './json/depth.js'
export type { JsonValue } from './json/lossless.js'

/** Errors: one base class, structured subclasses. */
export {
  ComfyError,
  InvalidArgumentError,
  NodeInputError,
  JsonDepthError,
  JsonIntegerTooLongError,
  JsonParseError,
  MAX_INTEGER_DIGITS,
  MAX_JSON_DEPTH,
  ObjectInfoError,
  SerializationError,
  StaleGeneratedCodeError,
  UnknownNodeClassError,
  WorkflowFormatError,
  describeValue,
  formatLocation,
  formatPath,
} from './errors.js'
export type { ComfyErrorOptions, IssuePath } from './errors.js'
