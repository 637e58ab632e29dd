/**
 * The test server's input, output and temp folders, with ComfyUI's rules: upload name clashes (identical bytes
 * reuse the file, others become `name (1).ext`), `/view` path checks (400, 403, 404), `prefix_00001_.png`
 * counters and annotated names (`x.png [output]`).
 * @module
 */
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path'
import sharp from 'sharp'

export type FolderType = 'input' | 'output' | 'temp'

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff'])

export class ServerFiles {
  readonly input: string
  readonly output: string
  readonly temp: string

  constructor(readonly root: string) {
    this.input = join(root, 'input')
    this.output = join(root, 'output')
    this.temp = join(root, 'temp')
  }

  async init(): Promise<void> {
    await Promise.all([this.input, this.output, this.temp].map((d) => mkdir(d, { recursive: true })))
    const example = join(this.input, 'example.png')
    if (!existsSync(example)) await writeFile(example, await exampleImage())
  }

  folder(type: string): string | undefined {
    return type === 'input' ? this.input : type === 'output' ? this.output : type === 'temp' ? this.temp : undefined
  }

  /** `POST /upload/image` semantics; `undefined` when the path would leave the folder (the server answers 400). */
  async saveUpload(
    type: FolderType,
    subfolder: string,
    filename: string,
    bytes: Buffer,
    overwrite: boolean,
  ): Promise<{ name: string; subfolder: string; type: FolderType } | undefined> {
    const root = this.folder(type) as string
    const folder = join(root, normalize(subfolder))
    let name = filename
    let path = resolve(folder, name)
    if (!isInside(root, path)) return undefined
    let duplicate = false
    if (!overwrite) {
      const ext = extname(filename)
      const stem = filename.slice(0, filename.length - ext.length)
      for (let i = 1; existsSync(path); i++) {
        if ((await readFile(path)).equals(bytes)) {
          duplicate = true
          break
        }
        name = `${stem} (${i})${ext}`
        path = resolve(folder, name)
      }
    }
    if (!duplicate) {
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, bytes)
    }
    return { name, subfolder, type }
  }

  /** Resolves a `/view` request to a file, or to the status the server answers. */
  resolveView(filename: string | null, subfolder: string, type: string): { path: string } | { status: 400 | 403 | 404 } {
    if (!filename) return { status: 404 }
    const annotated = splitAnnotation(filename)
    const name = annotated.name
    const folderType = annotated.type ?? type
    if (name.startsWith('/') || name.includes('..')) return { status: 400 }
    const root = this.folder(folderType)
    if (root === undefined) return { status: 400 }
    const folder = resolve(root, subfolder)
    if (!isInside(root, folder) && folder !== resolve(root)) return { status: 403 }
    const path = resolve(folder, name)
    if (!existsSync(path)) return { status: 404 }
    return { path }
  }

  /** The file a `LoadImage.image` value names (`sub/x.png`, `x.png [output]`), if it exists. */
  annotatedPath(value: string): string | undefined {
    const { name, type } = splitAnnotation(value)
    const root = this.folder(type ?? 'input') as string
    const path = resolve(root, name)
    if (!isInside(root, path) || !existsSync(path)) return undefined
    return path
  }

  /** Every image below the input folder, as `sub/name.png` paths (what `LoadImage.image` accepts). */
  async listInputs(): Promise<string[]> {
    const entries = await readdir(this.input, { recursive: true, withFileTypes: true })
    return entries
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => relative(this.input, join(e.parentPath, e.name)).split(sep).join('/'))
      .sort()
  }

  /** The next `prefix_00001_.png` in `type` for a SaveImage prefix (which may carry a subfolder). */
  async nextImageName(type: 'output' | 'temp', prefix: string): Promise<{ path: string; filename: string; subfolder: string }> {
    const root = this.folder(type) as string
    const subfolder = dirname(prefix) === '.' ? '' : dirname(prefix)
    const stem = basename(prefix)
    const folder = resolve(root, subfolder)
    if (!isInside(root, folder) && folder !== resolve(root)) {
      throw new Error('Saving image outside the output folder is not allowed.')
    }
    await mkdir(folder, { recursive: true })
    const pattern = new RegExp(`^${escapeRegExp(stem)}_(\\d{5,})_`)
    let counter = 1
    for (const file of await readdir(folder)) {
      const match = pattern.exec(file)
      if (match) counter = Math.max(counter, Number(match[1]) + 1)
    }
    const filename = `${stem}_${String(counter).padStart(5, '0')}_.png`
    return { path: join(folder, filename), filename, subfolder: subfolder.split(sep).join('/') }
  }

  /** Size and modification time: part of LoadImage's cache key, as ComfyUI hashes the file. */
  async fingerprint(path: string): Promise<string> {
    const info = await stat(path)
    return `${info.size}:${info.mtimeMs}`
  }
}

/**
 * ComfyUI ships `input/example.png`, the image the templates default to: a 64x64 gradient whose centre is
 * transparent (so a mask taken from its alpha is not empty).
 */
async function exampleImage(): Promise<Buffer> {
  const size = 64
  const data = Buffer.alloc(size * size * 4)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4
      data[i] = x * 4
      data[i + 1] = y * 4
      data[i + 2] = 160
      data[i + 3] = x >= 24 && x < 40 && y >= 24 && y < 40 ? 0 : 255
    }
  }
  return sharp(data, { raw: { width: size, height: size, channels: 4 } }).png().toBuffer()
}

function splitAnnotation(value: string): { name: string; type: FolderType | undefined } {
  const match = /^(.*) \[(input|output|temp)\]$/.exec(value)
  return match ? { name: match[1] as string, type: match[2] as FolderType } : { name: value, type: undefined }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
