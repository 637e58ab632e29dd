/**
 * Which COMBO inputs list files on the server (checkpoints, LoRAs, input images). Their options differ per
 * machine and change when files are added, so they are typed as `string` and checked at validation time.
 * @module
 */
import type { ComboOption } from './model.js'

const UPLOAD_FLAGS = ['image_upload', 'audio_upload', 'video_upload', 'file_upload', 'mesh_upload', 'model_upload']

// Extensions of the files ComfyUI's folders list (models, configs, images, video, audio, 3D, fonts, archives):
const FILE_EXTENSION =
  /\.(safetensors|sft|ckpt|pt|pth|bin|gguf|onnx|engine|yaml|yml|json|txt|csv|png|jpe?g|webp|gif|bmp|tiff?|exr|avif|heic|mp4|webm|mov|mkv|avi|wav|mp3|flac|ogg|m4a|aac|glb|gltf|obj|fbx|stl|ply|usdz|splat|spz|ksplat|latent|npz|npy|zip|tar|gz|h5|pkl|ttf|otf)$/i

// A path whose last part has an extension with a letter ("sub/dir/model.q4k"), unlike "kling-v2.1" or "hed/pidi":
const PATH_WITH_EXTENSION = /[\\/][^\\/]*[^\\/.]\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,8}$/i

/**
 * True when an option names a file: a known file extension, or a path whose last part has an extension. A `/`
 * alone does not make a file ("K+V w/ C penalty", "hed/pidi/scribble/ted", "image/gif" are plain choices).
 */
export function looksLikeFile(option: ComboOption): boolean {
  return typeof option === 'string' && (FILE_EXTENSION.test(option) || PATH_WITH_EXTENSION.test(option))
}

// Model pickers of core ComfyUI (folder_paths lists); e.g. vae_name lists only "pixel_space" on a server
// without VAE files, so the name has to decide:
const MODEL_PICKER = /^(ckpt|config|vae|lora|clip|unet|control_net|controlnet|style_model|gligen|hypernetwork|upscale_model|latent_upscale_model|audio_encoder|bg_removal|photomaker_model|clip_vision|model_patch|diffusion_model|text_encoder|embedding)_name\d*$/

/**
 * Decides whether a combo is file-backed from what the server says: an upload flag, a folder-backed or remote
 * list, a model-folder input name, an empty list (a server without models), or options that name files.
 */
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
