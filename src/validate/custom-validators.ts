/**
 * Custom validators (V1 `VALIDATE_INPUTS`, V3 `validate_inputs`) are invisible in /object_info, so the core ones
 * are listed here by class. Inputs a validator takes by name skip the min/max/combo checks, and its verdict
 * replaces them. Every core one checks that a file exists on the server, which cannot be known offline: see
 * {@link existsAnnotatedFile} for the approximation (and the `file_not_verified` warning it leads to).
 * @module
 */
import type { ComboOption, InputDef } from '../defs/model.js'
import { existsAnnotatedFile, type FileKnowledge } from './annotated-files.js'

export interface CustomValidatorContext {
  readonly classType: string
  readonly files: FileKnowledge
  /** Definitions of the inputs the validator receives, by name. */
  readonly inputs: ReadonlyMap<string, InputDef>
  /** Called when the answer rests on an assumption about files on the server. */
  readonly noteAssumption: (inputName: string, value: string, exists: boolean) => void
}

export interface CustomValidator {
  /** The validator's named arguments: these inputs skip min/max/combo checks. */
  readonly args: readonly string[]
  /** Python's method name, for the TypeError raised when an argument is missing. */
  readonly method: 'VALIDATE_INPUTS' | 'validate_inputs'
  /**
   * Runs on the literal values of the received inputs (links arrive as null). Returns true, false or a failure
   * text; throws PyError where the Python code raises.
   */
  validate(values: ReadonlyMap<string, unknown>, context: CustomValidatorContext): true | false | string
}

function fileValidator(
  method: CustomValidator['method'],
  input: string,
  label: 'image' | 'latent' | 'audio' | 'video',
): CustomValidator {
  return {
    args: [input],
    method,
    validate(values, context) {
      const value = values.get(input)
      const def = context.inputs.get(input)
      const listed: readonly ComboOption[] = def?.kind === 'COMBO' ? def.options : []
      const result = existsAnnotatedFile(value, listed, context.files)
      if (result.assumed) context.noteAssumption(input, value as string, result.exists)
      return result.exists ? true : `Invalid ${label} file: ${value as string}`
    },
  }
}

const loadImage = fileValidator('VALIDATE_INPUTS', 'image', 'image')

/** Core classes with a custom validator (ComfyUI nodes.py and comfy_extras), by class type. */
export const CUSTOM_VALIDATORS: ReadonlyMap<string, CustomValidator> = new Map([
  ['LoadImage', loadImage],
  ['LoadImageMask', loadImage],
  // Subclasses of LoadImage that inherit its VALIDATE_INPUTS:
  ['LoadImageOutput', loadImage],
  ['WebcamCapture', loadImage],
  ['LoadLatent', fileValidator('VALIDATE_INPUTS', 'latent', 'latent')],
  ['LoadAudio', fileValidator('validate_inputs', 'audio', 'audio')],
  ['LoadVideo', fileValidator('validate_inputs', 'file', 'video')],
])
