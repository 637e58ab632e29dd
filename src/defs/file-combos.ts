/**
 * Which COMBO inputs list files on the server (checkpoints, LoRAs, input images). Their options differ per
 * machine and change when files are added, so they are typed as `string` and checked at validation time.
 * @module
 */
import type { ComboOption } from './model.js'

const UPLOAD_FLAGS = ['image_upload', 'audio_upload', 'video_upload', 'file_upload', 'mesh_upload', 'model_upload']

const FILE_EXTENSION =
  /\.(safetensors|sft|ckpt|pt|pth|bin|gguf|onnx|engine|yaml|yml|json|txt|csv|png|jpe?g|webp|gif|bmp|tiff?|exr|mp4|webm|mov|mkv|avi|wav|mp3|flac|ogg|m4a|glb|gltf|obj|fbx|stl|ply|usdz|splat|spz|ksplat|latent|npz|npy|zip)$/i

/** True when an option looks like a file path rather than an enumerated value. */
export function looksLikeFile(option: ComboOption): boolean {
  return typeof option === 'string' && (FILE_EXTENSION.test(option) || /[\\/]/.test(option))
}

/** Decides whether a combo is file-backed from its options and spec flags. */
export function isFileBackedCombo(options: readonly ComboOption[], config: Readonly<Record<string, unknown>>): boolean {
  if (UPLOAD_FLAGS.some((flag) => config[flag] === true)) return true
  if (config['image_folder'] !== undefined || config['remote'] !== undefined) return true
  // An empty list is what a server without models reports for every model picker:
  if (options.length === 0) return true
  return options.some(looksLikeFile)
}
