/**
 * The error objects ComfyUI's `validate_prompt` and `validate_inputs` build, with the same types, messages,
 * details and extra_info. Values are formatted as Python's `str()` would print them.
 * @module
 */
import { pyRepr, pyStr, type PyError } from './python.js'
import type { ServerBehaviour } from './server-version.js'
import type { ServerError } from './types.js'

/** `info` in the server code: the input's spec `[input_type, extra_info]`, sent as `input_config`. */
export type InputConfig = readonly [unknown, Readonly<Record<string, unknown>>]

function error(type: string, message: string, details: string, extra_info: Record<string, unknown>): ServerError {
  return { type, message, details, extra_info }
}

export function requiredInputMissing(inputName: string, details: string): ServerError {
  return error('required_input_missing', 'Required input is missing', details, { input_name: inputName })
}

export function badLinkedInput(inputName: string, info: InputConfig, value: unknown): ServerError {
  return error('bad_linked_input', 'Bad linked input, must be a length-2 list of [node_id, slot_index]', inputName, {
    input_name: inputName,
    input_config: info,
    received_value: value,
  })
}

export function returnTypeMismatch(inputName: string, info: InputConfig, received: unknown, link: unknown): ServerError {
  return error(
    'return_type_mismatch',
    'Return type mismatch between linked nodes',
    `${inputName}, received_type(${pyStr(received)}) mismatch input_type(${pyStr(info[0])})`,
    { input_name: inputName, input_config: info, received_type: received, linked_node: link },
  )
}

export function innerValidationException(inputName: string, info: InputConfig, ex: PyError, link: unknown): ServerError {
  return error('exception_during_inner_validation', 'Exception when validating inner node', ex.message, {
    input_name: inputName,
    input_config: info,
    exception_message: ex.message,
    exception_type: ex.type,
    traceback: [],
    linked_node: link,
  })
}

export function validationException(ex: PyError): ServerError {
  return error('exception_during_validation', 'Exception when validating node', ex.message, {
    exception_type: ex.type,
    traceback: [],
  })
}

export function invalidInputType(inputName: string, info: InputConfig, value: unknown, ex: PyError): ServerError {
  return error(
    'invalid_input_type',
    `Failed to convert an input value to a ${pyStr(info[0])} value`,
    `${inputName}, ${pyStr(value)}, ${ex.message}`,
    { input_name: inputName, input_config: info, received_value: value, exception_message: ex.message },
  )
}

export function valueOutOfRange(
  which: 'min' | 'max',
  inputName: string,
  info: InputConfig,
  value: unknown,
  bound: unknown,
  asFloat: boolean,
): ServerError {
  const shown = `Value ${pyStr(value, asFloat)} ${which === 'min' ? 'smaller than min' : 'bigger than max'} of ${pyStr(bound, asFloat && typeof bound === 'number')}`
  return error(which === 'min' ? 'value_smaller_than_min' : 'value_bigger_than_max', shown, inputName, {
    input_name: inputName,
    input_config: info,
    received_value: value,
  })
}

// Lists longer than this are summarized, and input_config is left out (model file lists can be huge):
const LIST_INFO_LIMIT = 20

export function valueNotInList(inputName: string, info: InputConfig, value: unknown, options: readonly unknown[]): ServerError {
  const long = options.length > LIST_INFO_LIMIT
  const listInfo = long ? `(list of length ${options.length})` : pyRepr(options)
  return error('value_not_in_list', 'Value not in list', `${inputName}: '${pyStr(value)}' not in ${listInfo}`, {
    input_name: inputName,
    input_config: long ? null : info,
    received_value: value,
  })
}

export function customValidationFailed(inputName: string, returned: false | string): ServerError {
  const details = returned === false ? inputName : `${inputName} - ${returned}`
  return error('custom_validation_failed', 'Custom validation failed for node', details, { input_name: inputName })
}

export function dependencyCycle(nodeId: string, cycle: readonly { id: string; classType: string }[]): ServerError {
  const steps = [...cycle, cycle[0]].filter((step) => step !== undefined)
  return error('dependency_cycle', 'Dependency cycle detected', steps.map((s) => `${s.id} (${s.classType})`).join(' -> '), {
    node_id: nodeId,
    cycle_nodes: cycle.map((s) => s.id),
  })
}

export function noPrompt(): ServerError {
  return error('no_prompt', 'No prompt provided', 'No prompt provided', {})
}

export function promptNoOutputs(): ServerError {
  return error('prompt_no_outputs', 'Prompt has no outputs', '', {})
}

export function promptOutputsFailed(details: string): ServerError {
  return error('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details, {})
}

/** A node without `class_type` (first offender in JSON order). */
export function missingClassType(behaviour: ServerBehaviour, nodeId: unknown, title: unknown): ServerError {
  const id = pyStr(nodeId)
  if (!behaviour.missingNodeType) {
    return error('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`, {})
  }
  const name = typeof title === 'string' ? title : `ID #${id}`
  return error(
    'missing_node_type',
    `Node '${name}' has no class_type. The workflow may be corrupted or a custom node is missing.`,
    `Node ID '#${id}'`,
    { node_id: id, class_type: null, node_title: typeof title === 'string' ? title : null },
  )
}

/** A node whose class the server does not have. */
export function unknownClassType(behaviour: ServerBehaviour, nodeId: unknown, classType: unknown, title: unknown): ServerError {
  const id = pyStr(nodeId)
  if (!behaviour.missingNodeType) {
    return error('invalid_prompt', `Cannot execute because node ${pyStr(classType)} does not exist.`, `Node ID '#${id}'`, {})
  }
  const name = typeof title === 'string' ? title : pyStr(classType)
  return error('missing_node_type', `Node '${name}' not found. The custom node may not be installed.`, `Node ID '#${id}'`, {
    node_id: id,
    class_type: classType,
    node_title: typeof title === 'string' ? title : null,
  })
}
