/**
 * The editor's treatment of `dynamicPrompts` text widgets when it queues a prompt: C-style comments are removed,
 * each `{a|b|c}` group is replaced by one option picked at random (groups nest), and `\{`, `\}`, `\|` become
 * the plain characters.
 * @module
 */

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/.*/g
const ESCAPED = /\\([{}|])/g

export interface DynamicPromptResult {
  readonly text: string
  /** True when a `{...}` group was resolved, i.e. the result depends on `random`. */
  readonly randomized: boolean
}

/** Resolves a dynamic prompt; `random` returns numbers in [0, 1) like `Math.random`. */
export function resolveDynamicPrompt(source: string, random: () => number): DynamicPromptResult {
  const state = { randomized: false }
  return { text: resolve(source, random, state), randomized: state.randomized }
}

function resolve(source: string, random: () => number, state: { randomized: boolean }): string {
  const text = source.replace(COMMENTS, '')
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i++] as string
    if (c === '\\' && i < text.length) {
      out += c + (text[i++] as string)
    } else if (c === '{') {
      const options: string[] = []
      let option = ''
      let depth = 0
      while (i < text.length) {
        const d = text[i++] as string
        if (d === '\\' && i < text.length) {
          option += d + (text[i++] as string)
          continue
        }
        if (d === '}' && depth === 0) break
        if (d === '|' && depth === 0) {
          options.push(option)
          option = ''
          continue
        }
        if (d === '{') depth++
        else if (d === '}') depth--
        option += d
      }
      options.push(option)
      state.randomized = true
      const pick = Math.min(options.length - 1, Math.floor(random() * options.length))
      out += resolve(options[pick] as string, random, state)
    } else {
      out += c
    }
  }
  return out.replace(ESCAPED, '$1')
}
