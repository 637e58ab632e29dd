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

// Model pickers of core ComfyUI (folder_paths lists); e.g. vae_name lists only "pixel_space" on a server
// without VAE files, so the name has to decide:
const MODEL_PICKER = /^(ckpt|config|vae|lora|clip|unet|control_net|controlnet|style_model|gligen|hypernetwork|upscale_model|latent_upscale_model|audio_encoder|bg_removal|photomaker_model|clip_vision|model_patch|diffusion_model|text_encoder|embedding)_name\d*$/

/** Decides whether a combo is file-backed from its input name, options and spec flags. */
export function isFileBackedCombo(
  options: readonly ComboOption[],
  config: Readonly<Record<string, unknown>>,
  inputName = '',
): boolean {
  if (MODEL_PICKER.test(inputName)) return true
  if (UPLOAD_FLAGS.some((flag) => config[flag] === true)) return true
  if (config['image_folder'] !== undefined || config['remote'] !== undefined) return true
  // An empty list is what a server without models reports for every model picker:
  if (options.length === 0) return true
  return options.some(looksLikeFile)
}
