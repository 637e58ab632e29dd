import { rolldown } from 'rolldown'
import { readFileSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
const ROOT = process.cwd(), DIST = join(ROOT, 'dist')
const R = resolve(DIST, 'index.js'), C = resolve(DIST, 'client/index.js'), H = resolve(DIST, 'cli/main.js')
const K = [resolve(DIST, 'cli/commands/check.js'), resolve(DIST, 'cli/core-defs.js')]
let sig = new Map<string, string>()
const bundle = await rolldown({ input: { index: R, client: C, main: H }, cwd: ROOT, platform: 'node', external: (id) => !id.startsWith('.') && !id.startsWith('/'), logLevel: "warn",
  plugins: [{ name: 'x', buildEnd() {
    const clo = (starts: string[]) => { const seen = new Set<string>(); const st = [...starts]; while (st.length) { const id = st.pop()!; if (seen.has(id)) continue; seen.add(id); st.push(...(this.getModuleInfo(id)?.importedIds ?? []).filter((n) => n.startsWith(DIST + sep))) } return seen }
    console.log("buildEnd", [...this.getModuleIds()].length);
    const sets = { R: clo([R]), C: clo([C]), H: clo([H]), K: clo([H, ...K]) }
    for (const id of this.getModuleIds()) { if (!id.startsWith(DIST)) continue; const s = Object.entries(sets).filter(([, v]) => v.has(id)).map(([k]) => k).join(''); if (s) sig.set(id, s) }
  } }] })
await bundle.generate({ format: "esm" }); await bundle.close()
const groups = new Map<string, { bytes: number; mods: string[] }>()
for (const [id, s] of sig) { const g = groups.get(s) ?? { bytes: 0, mods: [] }; g.bytes += statSync(id).size; g.mods.push(id.slice(DIST.length + 1)); groups.set(s, g) }
for (const [s, g] of [...groups].sort()) console.log(s.padEnd(5), String(g.bytes).padStart(7), g.mods.length, g.mods.slice(0, 12).join(' '))
