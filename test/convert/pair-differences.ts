/**
 * Known, explained differences between a converted UI workflow and the API JSON saved from the same image by an
 * older editor. Each difference checks that it really occurs (so a stale entry fails) and then removes it.
 */
import type { ApiPrompt } from '../../src/dsl/prompt.js'

export type Difference =
  /** Editors before mid-2024 wrote no `_meta` titles. */
  | { readonly kind: 'no-titles' }
  /** Older editors sent the image upload button's value as an input (`upload` or `choose file to upload`). */
  | { readonly kind: 'upload-button'; readonly nodes: readonly string[] }
  /** The class gained this widget after the image was saved; today's editor fills in its default. */
  | { readonly kind: 'input-added'; readonly node: string; readonly input: string }
  /** The title came from a display name that no snapshot has any more. */
  | { readonly kind: 'display-name'; readonly node: string; readonly then: string }
  /** The API file was written by another tool, whose `_meta` is not the editor's. */
  | { readonly kind: 'foreign-meta'; readonly reason: string }

const UPLOAD_INPUTS = ['upload', 'choose file to upload']

/** Removes what the server added to the prompt it stored in the image: `is_changed` (its cache key). */
export function withoutServerKeys(prompt: ApiPrompt): ApiPrompt {
  const copy = structuredClone(prompt) as unknown as Record<string, Record<string, unknown>>
  for (const node of Object.values(copy)) delete node['is_changed']
  return copy as unknown as ApiPrompt
}

/** Applies a difference to copies; throws when it does not occur (the table entry is stale). */
export function applyDifference(difference: Difference, actual: ApiPrompt, expected: ApiPrompt): void {
  const stale = (what: string): never => {
    throw new Error(`listed difference does not occur: ${JSON.stringify(difference)} (${what})`)
  }
  switch (difference.kind) {
    case 'no-titles':
      if (Object.values(expected).some((n) => n._meta !== undefined)) stale('the saved API JSON has titles')
      for (const node of Object.values(actual)) delete node._meta
      return
    case 'upload-button':
      for (const id of difference.nodes) {
        const inputs = expected[id]?.inputs ?? stale(`no node ${id}`)
        const name = UPLOAD_INPUTS.find((n) => n in inputs) ?? stale(`node ${id} has no upload input`)
        delete inputs[name]
      }
      return
    case 'input-added': {
      const node = actual[difference.node] ?? stale(`no node ${difference.node}`)
      if (!(difference.input in node.inputs) || difference.input in (expected[difference.node]?.inputs ?? {})) {
        stale('the input is not only in the conversion')
      }
      delete node.inputs[difference.input]
      return
    }
    case 'display-name': {
      const node = actual[difference.node] ?? stale(`no node ${difference.node}`)
      if (expected[difference.node]?._meta?.title !== difference.then || node._meta?.title === difference.then) {
        stale('the titles do not differ that way')
      }
      node._meta = { title: difference.then }
      return
    }
    case 'foreign-meta':
      for (const node of [...Object.values(actual), ...Object.values(expected)]) delete node._meta
      return
  }
}
