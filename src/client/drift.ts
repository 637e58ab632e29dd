/**
 * Differences between the node definitions a graph was built with and the ones a server reports, limited
 * to the classes a prompt uses: a class that is gone, an input renamed, retyped or newly required, an option
 * list that changed (file lists excepted: they follow the server's disk), an output retyped.
 * @module
 */
import type { DefSet, InputDef, NodeDef } from '../defs/model.js'

export interface DefDrift {
  readonly classType: string
  readonly message: string
}

export function compareDefs(local: DefSet, server: DefSet, classTypes: Iterable<string>): DefDrift[] {
  const drift: DefDrift[] = []
  for (const classType of new Set(classTypes)) {
    const mine = local.classes.get(classType)
    if (mine === undefined) continue
    const theirs = server.classes.get(classType)
    if (theirs === undefined) {
      drift.push({ classType, message: `${classType}: the server has no such node class` })
      continue
    }
    for (const message of compareClass(mine, theirs)) drift.push({ classType, message: `${classType}: ${message}` })
  }
  return drift
}

function compareClass(mine: NodeDef, theirs: NodeDef): string[] {
  const out: string[] = []
  const serverInputs = new Map(theirs.inputs.map((i) => [i.name, i]))
  const localInputs = new Map(mine.inputs.map((i) => [i.name, i]))
  for (const input of mine.inputs) {
    const other = serverInputs.get(input.name)
    if (other === undefined) {
      out.push(`input "${input.name}" no longer exists on the server`)
      continue
    }
    if (other.type !== input.type) out.push(`input "${input.name}" is ${other.type} on the server, ${input.type} here`)
    if (other.required && !input.required) out.push(`input "${input.name}" is required on the server`)
    const options = changedOptions(input, other)
    if (options) out.push(`input "${input.name}" options differ: ${options}`)
  }
  for (const input of theirs.inputs) {
    if (input.required && !localInputs.has(input.name)) out.push(`the server requires a new input "${input.name}"`)
  }
  theirs.outputs.forEach((output, i) => {
    const local = mine.outputs[i]
    if (local !== undefined && local.type !== output.type) out.push(`output ${i} is ${output.type} on the server, ${local.type} here`)
  })
  if (theirs.outputs.length < mine.outputs.length) out.push(`the server has ${theirs.outputs.length} outputs, ${mine.outputs.length} here`)
  return out
}

function changedOptions(mine: InputDef, theirs: InputDef): string | undefined {
  if (mine.kind !== 'COMBO' || theirs.kind !== 'COMBO' || mine.fileBacked || theirs.fileBacked) return undefined
  const server = new Set(theirs.options.map(String))
  const missing = mine.options.map(String).filter((o) => !server.has(o))
  if (missing.length === 0) return undefined
  return `${missing.slice(0, 5).map((o) => JSON.stringify(o)).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} not offered by the server`
}
