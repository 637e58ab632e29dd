/**
 * How prepareImage's PNG settings were chosen: size and CPU of each candidate on the fixture images (fitted to
 * 768 px), against Pillow's default (zlib 6, adaptive filtering) on the very same pixels. Pillow runs live when
 * python3 has PIL (Debian: python3-pil); otherwise the sizes recorded with Pillow 9.4.0 are shown.
 *
 *   npm run bench -- png-settings
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { prepareImage } from '../src/images/index.js'
import { DEFAULT_PNG_OPTIONS, type PngOptions } from '../src/images/prepare.js'
import { median, ms, printTable, type Row } from './lib/stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = Number(process.env['BENCH_RUNS'] ?? 7)
const FILES = ['comfy-ts__bear_1024x1024.jpg', 'comfy-ts__lioness_768x768.jpg', 'comfyui-examples__controlnet_pose_present.png']
// Pillow 9.4.0's `Image.save(f, 'PNG')` of the same pixels (what this bench prints when Pillow is present):
const PILLOW_RECORDED = [890_110, 628_547, 4_809]

const inputs = FILES.map((f) => readFileSync(join(root, 'test/fixtures/images', f)))
const candidates: (PngOptions & { label: string })[] = [
  { label: 'zlib 6, no filter (the former default)', compressionLevel: 6, adaptiveFiltering: false },
  { label: 'zlib 9, no filter', compressionLevel: 9, adaptiveFiltering: false },
  { label: 'zlib 1, adaptive', compressionLevel: 1, adaptiveFiltering: true },
  { label: 'zlib 3, adaptive', compressionLevel: 3, adaptiveFiltering: true },
  { label: 'zlib 4, adaptive', compressionLevel: 4, adaptiveFiltering: true },
  { label: 'zlib 6, adaptive (Pillow\'s settings)', compressionLevel: 6, adaptiveFiltering: true },
  { label: 'zlib 9, adaptive', compressionLevel: 9, adaptiveFiltering: true },
]

function pillowSizes(): { sizes: number[]; live: boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-dsl-png-'))
  try {
    return runPillow(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function runPillow(dir: string): { sizes: number[]; live: boolean } {
  const script = 'import io,sys\nfrom PIL import Image\nfor p in sys.argv[1:]:\n  im=Image.open(p); im.load(); b=io.BytesIO(); im.save(b,"PNG"); print(b.tell())'
  const paths = unfiltered.map((data, i) => {
    const path = join(dir, `${i}.png`)
    writeFileSync(path, data)
    return path
  })
  const run = spawnSync('python3', ['-c', script, ...paths], { encoding: 'utf8' })
  const sizes = run.status === 0 ? run.stdout.trim().split('\n').map(Number) : []
  return sizes.length === FILES.length && sizes.every(Number.isFinite) ? { sizes, live: true } : { sizes: PILLOW_RECORDED, live: false }
}

// The prepared pixels, stored without compression: what Pillow re-encodes.
const unfiltered = await Promise.all(inputs.map(async (input) => (await prepareImage(input, { maxSide: 768, png: { compressionLevel: 0, adaptiveFiltering: false } })).data))
const pillow = pillowSizes()

const cpu: number[][] = candidates.map(() => [])
const sizes: number[][] = candidates.map(() => [])
for (let run = 0; run < RUNS + 1; run++) {
  for (const [c, options] of candidates.entries()) {
    const start = process.cpuUsage()
    for (const [i, input] of inputs.entries()) {
      const { data } = await prepareImage(input, { maxSide: 768, png: options })
      sizes[c]![i] = data.length
    }
    const used = process.cpuUsage(start)
    if (run > 0) cpu[c]!.push((used.user + used.system) / 1000)
  }
}

const kb = (n: number): string => `${(n / 1000).toFixed(1)} kB`
const rows: Row[] = candidates.map((c, i) => {
  const isDefault = c.compressionLevel === DEFAULT_PNG_OPTIONS.compressionLevel && c.adaptiveFiltering === DEFAULT_PNG_OPTIONS.adaptiveFiltering
  const vsPillow = sizes[i]!.map((s, f) => s / (pillow.sizes[f] as number))
  return {
    measure: `${c.label}${isDefault ? ' <- default' : ''}`,
    value: ms(median(cpu[i]!)),
    ...(isDefault ? { target: 'every file <= Pillow' } : {}),
    note: `${sizes[i]!.map(kb).join(' / ')}; ${vsPillow.map((r) => r.toFixed(3)).join(' / ')} x Pillow`,
  }
})
rows.push({ measure: `Pillow default (zlib 6, adaptive)${pillow.live ? '' : ', recorded with 9.4.0'}`, value: '', note: pillow.sizes.map(kb).join(' / ') })
printTable(`PNG settings of prepareImage: CPU of preparing ${FILES.length} images (${FILES.map((f) => f.split('__')[1]).join(', ')}) within 768 px, and their sizes`, rows)
