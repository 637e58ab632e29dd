/**
 * The README's code blocks, read from the README itself so the examples cannot drift from what is tested.
 * Every ```ts and ```sh block runs unless the HTML comment right before it says `<!-- not run: reason -->`.
 */
export interface ReadmeBlock {
  readonly lang: 'ts' | 'sh'
  readonly code: string
  /** 1-based line of the opening fence. */
  readonly line: number
  /** The heading the block is under (for test names). */
  readonly section: string
  /** Why it does not run, when it is marked so. */
  readonly notRun: string | undefined
}

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n')
  const blocks: ReadmeBlock[] = []
  let section = ''
  let marker: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (/^#{1,6} /.test(line)) section = line.replace(/^#+ /, '')
    const comment = /^<!--\s*not run:\s*(.+?)\s*-->$/.exec(line.trim())
    if (comment) {
      marker = comment[1]
      continue
    }
    const fence = /^```(\w*)\s*$/.exec(line)
    if (!fence) {
      if (line.trim() !== '') marker = undefined
      continue
    }
    const start = i
    const body: string[] = []
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string)
    const lang = fence[1]
    if (lang === 'ts' || lang === 'sh') blocks.push({ lang, code: `${body.join('\n')}\n`, line: start + 1, section, notRun: marker })
    marker = undefined
  }
  return blocks
}
