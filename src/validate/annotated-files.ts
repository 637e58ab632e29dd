/**
 * `folder_paths.exists_annotated_filepath`, offline. The server checks the disk; here the only knowledge of the
 * disk is the file list the server published in a combo's options (its input folder at the time /object_info
 * was read). Output and temp folders are never listed.
 * @module
 */
import type { ComboOption } from '../defs/model.js'
import { PyError, pyKind } from './python.js'

export type FileKnowledge = 'listed' | 'assume-present'

export interface ExistenceResult {
  readonly exists: boolean
  /** True when the answer rests on an assumption about the server's disk rather than its published list. */
  readonly assumed: boolean
}

// Folders every server's input folder has: Load3D creates input/3d when the server starts.
const KNOWN_INPUT_FOLDERS = ['3d']

const ANNOTATIONS = [
  { suffix: '[output]', cut: 9, folder: 'output' },
  { suffix: '[input]', cut: 8, folder: 'input' },
  { suffix: '[temp]', cut: 7, folder: 'temp' },
] as const

/**
 * Whether `name` (a value of a file-loading input) names an existing file. `listed` are the options the server
 * gave for that input. Non-strings raise AttributeError as `name.endswith` does in Python.
 */
export function existsAnnotatedFile(
  name: unknown,
  listed: readonly ComboOption[],
  knowledge: FileKnowledge,
): ExistenceResult {
  if (typeof name !== 'string') {
    throw new PyError('AttributeError', `'${pyKind(name)}' object has no attribute 'endswith'`)
  }
  if (knowledge === 'assume-present') return { exists: true, assumed: true }
  if (listed.includes(name)) return { exists: true, assumed: false }
  let folder: string = 'input'
  let relative = name
  for (const annotation of ANNOTATIONS) {
    if (name.endsWith(annotation.suffix)) {
      folder = annotation.folder
      relative = name.slice(0, -annotation.cut)
      break
    }
  }
  // An absolute name replaces the base folder in os.path.join: nothing is known about it.
  if (relative.startsWith('/')) return { exists: false, assumed: true }
  const resolved = normalizeWithin(folder, relative)
  if (resolved === undefined || resolved.folder !== 'input') return { exists: false, assumed: true }
  // The folder itself, a listed file, or a folder holding listed files exist (a trailing "/" needs a folder):
  const folderOnly = relative.endsWith('/')
  if (resolved.path === '' || KNOWN_INPUT_FOLDERS.includes(resolved.path)) return { exists: true, assumed: false }
  for (const option of listed) {
    if (typeof option !== 'string') continue
    if ((!folderOnly && option === resolved.path) || option.startsWith(`${resolved.path}/`)) {
      return { exists: true, assumed: false }
    }
  }
  // The loaders list only the files at the top of the input folder, so a file in a subfolder (`clipspace/...`,
  // `pasted/...`) may well exist: it cannot be known, and is not rejected.
  if (!folderOnly && resolved.path.includes('/')) return { exists: true, assumed: true }
  return { exists: false, assumed: true }
}

/** Resolves `folder/relative` (`..` may climb into a sibling folder); undefined when it leaves the base. */
function normalizeWithin(folder: string, relative: string): { folder: string; path: string } | undefined {
  const parts: string[] = [folder]
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(part)
  }
  const [top, ...rest] = parts
  if (top === undefined) return undefined
  return { folder: top, path: rest.join('/') }
}
