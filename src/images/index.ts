/**
 * Image utilities on sharp (Node only): inspection and validation, preparation for ComfyUI, masks,
 * comparison, and the workflow metadata ComfyUI embeds in PNG and WebP outputs.
 * @module
 */
export { InvalidImageError, ImageMetadataError, OutputExistsError, type ImageRejection } from './errors.js'
export type { ImageInput, NamedImageInput } from './input.js'
export {
  DEFAULT_IMAGE_LIMITS,
  SAFE_IMAGE_FORMATS,
  type DecodeStrictness,
  type ImageFormat,
  type ImageLimits,
} from './limits.js'
export { inspectImage, validateImage, type ImageInfo, type InspectOptions, type ValidateOptions } from './inspect.js'
export type { OutputOptions } from './output.js'
export {
  planResize,
  toOriginalPoint,
  toPreparedPoint,
  type FitMode,
  type Point,
  type ResizePlanOptions,
  type ResizeTransform,
} from './transform.js'
export { prepareImage, type PngOptions, type PrepareOptions, type PreparedImage } from './prepare.js'
export { restoreSize, type RestoreOptions, type RestoredImage } from './restore.js'
export {
  assertMask,
  combineMasks,
  createMask,
  invertMask,
  maskCoverage,
  maskFromAlphaValues,
  maskFromFloat32,
  maskToAlpha,
  maskToFloat32,
  type Mask,
  type MaskOperation,
} from './masks/mask.js'
export { maskFromRects, maskFromPolygons, type PolygonPoint, type Rect } from './masks/shapes.js'
export { featherMask, growMask, prepareMask, resizeMask } from './masks/morphology.js'
export {
  maskFromAlpha,
  maskFromImage,
  type MaskChannel,
  type MaskFromImageOptions,
  type MaskReadOptions,
} from './masks/from-image.js'
export { applyMask, maskToAlphaPng, maskToPng, type ApplyMaskOptions, type EncodedImage } from './masks/encode.js'
export {
  compareImages,
  type CompareOptions,
  type DiffImageOptions,
  type ImageComparison,
  type RegionComparison,
} from './compare/compare.js'
export {
  readImageText,
  readWorkflowMetadata,
  stripWorkflowMetadata,
  writeWorkflowMetadata,
  type ImageText,
  type MetadataReadOptions,
  type MetadataWriteOptions,
  type StripOptions,
  type WorkflowMetadata,
  type WorkflowMetadataInput,
  type WrittenImage,
} from './metadata/workflow-metadata.js'
