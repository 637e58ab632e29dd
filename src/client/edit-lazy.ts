/** `edit()` for the client barrel: the edit flow and what it needs (sharp, templates, factories) load on first call. */
import type { ComfyClient } from './client.js'
import type { EditOptions, EditResult } from '../edit/edit.js'
import type { TemplateName } from '../templates/index.js'

/** Runs one edit on the client's server (see `comfy-dsl/client`'s README section "Images and the edit flow"). */
export async function edit<T extends TemplateName = TemplateName>(client: ComfyClient, options: EditOptions<T>): Promise<EditResult> {
  const flow = await import('../edit/edit.js')
  return flow.edit(client, options)
}
