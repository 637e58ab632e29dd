/**
 * What the CLI prints can carry text from a server or a file (output names, node titles, messages quoting input
 * values). A control character in it would be obeyed by the terminal: ESC starts a command sequence (move the
 * cursor, rewrite the screen, set the title), BEL rings, CR overwrites the line, bidi overrides reorder what is
 * shown. {@link terminalSafeIo} escapes them in everything written to stdout and stderr, once, for every command.
 *
 * The escape is `\uXXXX`, which JSON and TypeScript string literals read back as the same character: `--json`
 * output and printed API JSON or DSL source stay valid and mean the same, only the terminal no longer acts on them.
 * @module
 */
import type { CliIo } from './io.js'

// C0 controls but tab and newline, DEL, C1 controls, and the invisible marks that reorder or split text
// (Arabic letter mark, LRM/RLM, line and paragraph separators, bidi embeddings, overrides and isolates):
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g

// Each replacement computed once (text full of them is a case to be fast for, too):
const ESCAPED = new Map<string, string>()
for (const [from, to] of [[0x00, 0x9f], [0x61c, 0x61c], [0x200e, 0x200f], [0x2028, 0x202e], [0x2066, 0x2069]] as const) {
  for (let code = from; code <= to; code++) {
    const c = String.fromCharCode(code)
    if (c.replace(UNSAFE, '') === '') ESCAPED.set(c, `\\u${code.toString(16).padStart(4, '0')}`)
  }
}

/** `text` with every character a terminal would act on written as `\uXXXX`; newline and tab are kept. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => ESCAPED.get(c) as string)
}

type Stream = CliIo['stdout']

const RAW = Symbol('comfy-dsl.rawTerminal')

/** A stream that escapes the text written to it; bytes (binary output the user asked for) pass as they are. */
function safeStream(stream: Stream): Stream {
  const safe = {
    write: (chunk: unknown): unknown => stream.write(typeof chunk === 'string' ? escapeControls(chunk) : (chunk as string)),
    [RAW]: stream,
  }
  // isTTY is read when needed: a test may flip it, and a piped stream has none.
  Object.defineProperty(safe, 'isTTY', { get: () => stream.isTTY, enumerable: true })
  return safe
}

/** `io` whose stdout and stderr escape control characters (applied once, by `runCli`). */
export function terminalSafeIo(io: CliIo): CliIo {
  if (RAW in io.stdout && RAW in io.stderr) return io
  return { ...io, stdout: safeStream(io.stdout), stderr: safeStream(io.stderr) }
}

/**
 * The stream under a safe one, for the one writer that must send terminal commands itself (the progress bars);
 * it escapes the text it draws with {@link escapeControls}.
 */
export function rawTerminal(stream: Stream): Stream {
  return (stream as { [RAW]?: Stream })[RAW] ?? stream
}
