/**
 * The model files the test server pretends to have, by folder, and the broken ones that fail the way the
 * recorded ComfyUI 0.8.0 server failed on them (captures 31, 33, 34 and 35).
 * @module
 */
import { NodeException } from './nodes/types.js'

export type ModelFolder = 'checkpoints' | 'controlnet' | 'loras' | 'vae' | 'upscale_models' | 'clip' | 'embeddings'

export interface ModelCatalog {
  readonly folders: Readonly<Record<ModelFolder, readonly string[]>>
  /** Throws the recorded error when `name` is one of the broken files. */
  load(folder: ModelFolder, name: string): void
}

export const DEFAULT_MODELS: Readonly<Record<ModelFolder, readonly string[]>> = {
  checkpoints: [
    'garbage.ckpt',
    'model.safetensors',
    'random_sd15_fp16.safetensors',
    'sd_xl_base_1.0.safetensors',
    'v1-5-pruned-emaonly.ckpt',
    'v1-5-pruned-emaonly.safetensors',
    'v1-5-pruned-emaonly-fp16.safetensors',
    '512-inpainting-ema.safetensors',
  ],
  controlnet: ['control_dummy.safetensors', 'control_v11p_sd15_canny.pth', 'control_v11p_sd15_canny_fp16.safetensors', 'control_sd15_canny.pth'],
  loras: ['lora.safetensors'],
  vae: ['vae-ft-mse-840000-ema-pruned.safetensors'],
  upscale_models: ['RealESRGAN_x4plus.pth'],
  clip: [],
  embeddings: [],
}

const TRACEBACK_HEAD = [
  '  File "/opt/ComfyUI/execution.py", line 518, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n',
  '  File "/opt/ComfyUI/execution.py", line 329, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n',
]

const BROKEN: Readonly<Record<string, { type: string; message: string }>> = {
  'checkpoints/model.safetensors': {
    type: 'RuntimeError',
    message: 'ERROR: Could not detect model type of: /opt/ComfyUI/models/checkpoints/model.safetensors\n\n',
  },
  'checkpoints/garbage.ckpt': {
    type: '_pickle.UnpicklingError',
    message:
      'Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. Do it only if you got the file from a trusted source.\nPlease file an issue with the following so that we can make `weights_only=True` compatible with your use case: WeightsUnpickler error: Unsupported operand 110\n\nCheck the documentation of torch.load to learn more about types accepted by default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.\n',
  },
  'controlnet/control_dummy.safetensors': {
    type: 'RuntimeError',
    message: 'ERROR: controlnet file is invalid and does not contain a valid controlnet model.\n',
  },
}

export function modelCatalog(extra: Partial<Record<ModelFolder, readonly string[]>> = {}): ModelCatalog {
  const folders = {} as Record<ModelFolder, readonly string[]>
  for (const folder of Object.keys(DEFAULT_MODELS) as ModelFolder[]) {
    folders[folder] = [...new Set([...DEFAULT_MODELS[folder], ...(extra[folder] ?? [])])].sort()
  }
  return {
    folders,
    load(folder, name) {
      const broken = BROKEN[`${folder}/${name}`]
      if (broken) throw new NodeException(broken.type, broken.message, TRACEBACK_HEAD)
      if (!folders[folder].includes(name)) {
        throw new NodeException('FileNotFoundError', `Model in folder '${folder}' with filename '${name}' not found.`, TRACEBACK_HEAD)
      }
    },
  }
}
