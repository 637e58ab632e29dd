/** `--server URL`: checked before anything connects, with the fix spelled out for the common slip. */
import { redactUrlText } from '../client/secrets.js'
import { CliUsageError } from './io.js'

/** The default server, overridden by `--server` or `COMFY_SERVER`. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8188'

/** The URL of `--server`, or a usage error that says what to type (`localhost:8188` -> `http://localhost:8188`). */
export function serverUrl(value: string): string {
  if (/^https?:\/\//i.test(value)) {
    try {
      new URL(value)
      return value
    } catch {
      throw new CliUsageError(`--server ${JSON.stringify(redactUrlText(value))} is not a valid URL`)
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new CliUsageError(`--server ${JSON.stringify(redactUrlText(value))}: expected an http:// or https:// URL`)
  }
  // Never echo credentials (`user:secret@host` has no scheme either):
  const shown = redactUrlText(value)
  throw new CliUsageError(`--server ${JSON.stringify(shown)} has no scheme; did you mean --server http://${shown}?`)
}
