/**
 * Secrets the client sends (header values, URL credentials, query values of the base URL) and their removal from
 * anything it shows: a server or proxy that echoes the request into an error body must not get a token copied
 * into an error message, a log line or the CLI's output.
 * @module
 */

const MASK = '***'
// Shorter values ("1", "on") would mask ordinary words; real tokens and passwords are longer.
const MIN_SECRET_LENGTH = 4

export class Redactor {
  readonly #secrets: string[]

  constructor(values: Iterable<string>) {
    const found = new Set<string>()
    for (const value of values) {
      for (const part of [value, ...value.split(/\s+/).slice(1)]) {
        for (const form of [part, encodeURIComponent(part), safeDecode(part)]) if (form.length >= MIN_SECRET_LENGTH) found.add(form)
      }
    }
    // Longest first, so a token is masked whole before a part of it could be:
    this.#secrets = [...found].sort((a, b) => b.length - a.length)
  }

  /** `text` with every secret replaced by `***`. */
  redact(text: string): string {
    let out = text
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(MASK)
    return out
  }

  /** A deep copy of a JSON-like value with every string redacted (server error objects). */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactValue(v)) as T
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.redactValue(v)
      return out as T
    }
    return value
  }
}

/** A URL or URL-like text for a message: no user name, password or query values, whatever its shape. */
export function redactUrlText(url: string): string {
  const at = url.lastIndexOf('@')
  let out = url
  if (at >= 0) {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? ''
    out = `${scheme}${MASK}@${url.slice(at + 1)}`
  }
  return out.replace(/\?.*$/s, `?${MASK}`)
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
