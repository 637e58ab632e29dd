/**
 * Where a start-up goes, from a `--cpu-prof` profile: self time in buckets a reader can act on (compiling
 * modules, reading and decoding their sources, resolving specifiers, garbage collection, node's own start,
 * and the top-level code of each package or dist/ folder).
 */

interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string }
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const COMPILE = new Set(['compileSourceTextModule', 'wrapSafe', 'compileFunction', 'ModuleWrap', 'compileForInternalLoader'])
const READ = new Set(['decode', 'decodeUTF8', 'readFileHandle', 'read', 'readFileSync', 'openFileHandle', 'open', 'fstat', 'close', 'tryStatSync', 'tryReadSync'])
const RESOLVE = new Set([
  'defaultResolve',
  'moduleResolve',
  'packageResolve',
  'resolvePackageTargetString',
  'resolvePackageTarget',
  'packageExportsResolve',
  'getPackageScopeConfig',
  'getPackageConfig',
  'realpathSync',
  'internalModuleStat',
  'internalModuleReadJSON',
  'lstat',
  'finalizeResolution',
  'URL',
])

function bucketOf(frame: ProfileNode['callFrame'], root: string): string {
  const { functionName, url } = frame
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(program)' || functionName === '(idle)' || functionName === '(root)') return 'native, outside JS (program, idle)'
  if (COMPILE.has(functionName)) return 'compiling modules (node internals included)'
  if (READ.has(functionName)) return 'reading and decoding module sources'
  if (RESOLVE.has(functionName)) return 'resolving module specifiers'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]
  if (pkg !== undefined) return `running ${pkg}`
  if (url.startsWith(`file://${root}/dist/`)) return `running dist/${url.slice(`file://${root}/dist/`.length).split('/')[0] as string}`
  if (url.startsWith('node:') || url === '') return 'node start-up and loader (other internals)'
  return 'other'
}

/** The buckets, largest first, with milliseconds and shares of the profile. */
export function summarizeProfile(profile: CpuProfile, root: string, top = 10): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const buckets = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number)
    const delta = (profile.timeDeltas[i] ?? 0) / 1000
    if (node === undefined) continue
    const bucket = bucketOf(node.callFrame, root)
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + delta)
    total += delta
  }
  const lines = [...buckets]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([bucket, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)} %  ${bucket}`)
  return [`  ${total.toFixed(1).padStart(7)} ms  100 %  profiled in all`, ...lines].join('\n')
}
