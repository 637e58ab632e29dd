/**
 * The validation differences between ComfyUI releases that a verdict depends on, and which release a set of
 * definitions came from: named by the caller, recorded with the definitions (a `v0.26.0`-style file name, a live
 * server's `/system_stats`), or told by the object_info itself, whose node-info keys change between releases.
 * @module
 */
import type { DefSet } from '../defs/model.js'
import { InvalidArgumentError } from '../errors.js'

/** The release whose behaviour `validate` reproduces when nothing else is known. */
export const LATEST_SERVER_VERSION = '0.26.0'

export interface ServerBehaviour {
  readonly version: string
  /** v0.12 renamed `invalid_prompt` (missing or unknown class) to `missing_node_type`. */
  readonly missingNodeType: boolean
  /** v0.20 reports `dependency_cycle`; before, a cycle recursed until Python's RecursionError. */
  readonly dependencyCycle: boolean
  /** v0.25 rejects a `prompt_id` that is not a canonical lowercase UUID (`invalid_prompt_id`). */
  readonly canonicalPromptId: boolean
}

/** Parses `"0.8.0"`, `"v0.26.0"`, `"0.3.45"` (a missing patch counts as 0). */
export function serverBehaviour(version: string): ServerBehaviour {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim())
  if (!match) {
    throw new InvalidArgumentError(`serverVersion: expected a ComfyUI version like "0.26.0", received "${version}"`)
  }
  const parts = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] as const
  const atLeast = (minor: number): boolean => parts[0] > 0 || parts[1] >= minor
  return {
    version: parts.join('.'),
    missingNodeType: atLeast(12),
    dependencyCycle: atLeast(20),
    canonicalPromptId: atLeast(25),
  }
}

/** How the imitated release was chosen. */
export type ServerVersionSource =
  /** `serverVersion` given by the caller (`--server-version`). */
  | 'option'
  /** Recorded with the definitions: a `v0.26.0`-like file name or a live server's `/system_stats`. */
  | 'definitions'
  /** Told by the node-info keys of the object_info (see {@link versionFromInfoFields}). */
  | 'object_info'
  /** Nothing to go by: the latest release known. */
  | 'default'

export interface ServerVersionChoice {
  readonly behaviour: ServerBehaviour
  readonly source: ServerVersionSource
  /** For `object_info`: the releases the definitions fit (`from` inclusive, `before` exclusive). */
  readonly fits?: { readonly from?: string; readonly before?: string }
  /** What the choice rests on, in words. */
  readonly evidence: readonly string[]
}

/**
 * Node-info keys and the release that added them (ComfyUI server source): every V1 class info has
 * `is_input_list` since v0.12 and `has_intermediate_output` since v0.19; V3 classes carry `price_badge` since the
 * release after 0.8.0 (ComfyUI PR #11582, merged 2026-01-14, a week after 0.8.0).
 */
const MARKERS: readonly { readonly key: string; readonly since: readonly [number, number]; readonly v3Only?: true }[] = [
  { key: 'is_input_list', since: [0, 12] },
  { key: 'has_intermediate_output', since: [0, 19] },
  { key: 'price_badge', since: [0, 9], v3Only: true },
]

/**
 * The releases an object_info's node-info keys fit: each marker key present means "that release or later", absent
 * means "before it" (V3-only keys count only when some class is V3). Undefined when `fields` is empty.
 */
export function versionFromInfoFields(
  fields: ReadonlySet<string>,
  hasV3Classes: boolean,
): { from?: readonly [number, number]; before?: readonly [number, number]; evidence: string[] } | undefined {
  if (fields.size === 0) return undefined
  let from: readonly [number, number] | undefined
  let before: readonly [number, number] | undefined
  const evidence: string[] = []
  for (const marker of MARKERS) {
    const since = `v${marker.since.join('.')}`
    if (fields.has(marker.key)) {
      if (from === undefined || compare(marker.since, from) > 0) from = marker.since
      evidence.push(`"${marker.key}" present (${since}+)`)
    } else if (!marker.v3Only || hasV3Classes) {
      if (before === undefined || compare(marker.since, before) < 0) before = marker.since
      evidence.push(`"${marker.key}" absent (before ${since})`)
    }
  }
  // Presence outweighs absence: a hand-trimmed file may lose keys, never gain a later release's.
  if (from !== undefined && before !== undefined && compare(from, before) >= 0) before = undefined
  return { ...(from === undefined ? {} : { from }), ...(before === undefined ? {} : { before }), evidence }
}

/**
 * The release `validate` imitates for `defs`: `override` when given, else the version recorded with the
 * definitions, else the one their object_info keys tell, else the latest known. Within a range of releases the
 * choice is one that behaves like all of them; a range reaching the latest release is judged as the latest.
 */
export function chooseServerVersion(defs: DefSet, override?: string): ServerVersionChoice {
  if (override !== undefined) return { behaviour: serverBehaviour(override), source: 'option', evidence: ['serverVersion given'] }
  if (defs.comfyuiVersion !== undefined) {
    return { behaviour: serverBehaviour(defs.comfyuiVersion), source: 'definitions', evidence: [`recorded with the definitions: ${defs.comfyuiVersion}`] }
  }
  const hasV3 = [...defs.classes.values()].some((def) => def.v3Schema === true)
  const told = defs.infoFields === undefined ? undefined : versionFromInfoFields(defs.infoFields, hasV3)
  if (told === undefined) {
    return { behaviour: serverBehaviour(LATEST_SERVER_VERSION), source: 'default', evidence: ['no version information; the latest release known'] }
  }
  const fits = {
    ...(told.from === undefined ? {} : { from: `${told.from.join('.')}.0` }),
    ...(told.before === undefined ? {} : { before: `${told.before.join('.')}.0` }),
  }
  // Behaviours change only at the markers' releases, so the lower end stands for the range; an open range is
  // judged as the latest (a 0.19.x server would differ on cycles, which it did not yet report).
  const version = told.before === undefined ? LATEST_SERVER_VERSION : fits.from ?? '0.8.0'
  return { behaviour: serverBehaviour(version), source: 'object_info', fits, evidence: told.evidence }
}

/** One line: `ComfyUI 0.8.0 [fits releases before 0.9.0] (object_info: "is_input_list" absent (before v0.12), ...)`. */
export function describeServerVersion(choice: ServerVersionChoice): string {
  const range = choice.fits === undefined ? '' : ` [fits ${describeFits(choice.fits)}]`
  return `ComfyUI ${choice.behaviour.version}${range} (${choice.source}: ${choice.evidence.join(', ')})`
}

/**
 * The ComfyUI version of a set of definitions for a label (generated headers): the recorded one, else what the
 * object_info's keys tell (`unknown; object_info fits 0.12.0 to before 0.19.0`), else `unknown`.
 */
export function definitionsVersionLabel(defs: DefSet): string {
  if (defs.comfyuiVersion !== undefined) return defs.comfyuiVersion
  const choice = chooseServerVersion(defs)
  return choice.fits === undefined ? 'unknown' : `unknown; object_info fits ${describeFits(choice.fits)}`
}

function describeFits(fits: NonNullable<ServerVersionChoice['fits']>): string {
  if (fits.from !== undefined && fits.before !== undefined) return `${fits.from} to before ${fits.before}`
  if (fits.from !== undefined) return `${fits.from} and later`
  return fits.before === undefined ? 'any release' : `releases before ${fits.before}`
}

function compare(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1]
}
