/**
 * The offline validator: the verdict a ComfyUI server's `POST /prompt` would give, in its own vocabulary.
 * @module
 */
export { validate, INTERNAL_SERVER_ERROR_TYPE } from './validate.js'
export { formatVerdict, formatIssue } from './format.js'
export { parsePythonJson, keyOrderOf, withKeyOrder } from './python-json.js'
export { PyFloat } from './python.js'
export { chooseServerVersion, definitionsVersionLabel, describeServerVersion, LATEST_SERVER_VERSION, serverBehaviour, versionFromInfoFields } from './server-version.js'
export type { ServerBehaviour, ServerVersionChoice, ServerVersionSource } from './server-version.js'
export { linkTypeMatches } from './link-types.js'
export { buildPromptJsonSchema, promptJsonSchemaText } from './json-schema.js'
export type { PromptSchemaOptions } from './json-schema.js'
export { INTERNAL_SERVER_ERROR_TEXT } from './types.js'
export type {
  AcceptedBody,
  Issue,
  LintType,
  LintWarning,
  NodeError,
  RejectedBody,
  ResponseIds,
  ServerError,
  ValidateOptions,
  Verdict,
} from './types.js'
export { isCanonicalUuid, validateRequest, validateRequestText } from './request.js'
export type { RequestOptions, RequestVerdict } from './request.js'
