/**
 * Redis connection options from a `redis://` or `rediss://` URL (user, password, database number, TLS).
 * @module
 */
import type { ConnectionOptions } from 'bullmq'
import { InvalidArgumentError } from '../errors.js'
import { RedisUnreachableError } from './errors.js'

/** A Redis URL (`redis://[user:password@]host[:port][/db]`, `rediss://` for TLS) or ioredis options. */
export type RedisConnection = string | Exclude<ConnectionOptions, string>

/** The options BullMQ takes, from a URL or as given. */
export function redisOptions(redis: RedisConnection): Exclude<ConnectionOptions, string> {
  if (typeof redis !== 'string') return redis
  let url: URL
  try {
    url = new URL(redis)
  } catch {
    throw new InvalidArgumentError(`Redis URL ${JSON.stringify(redis.replace(/\/\/[^@/]*@/, '//***@'))} is not a valid URL`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidArgumentError(`Redis URL must start with redis:// or rediss://, received ${url.protocol}//...`)
  }
  const db = url.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d+$/.test(db)) throw new InvalidArgumentError(`Redis URL: database must be a number, received "${db}"`)
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  }
}

/** The URL without credentials, for messages. */
export function describeRedis(redis: RedisConnection): string {
  if (typeof redis !== 'string') {
    const { host, port } = redis as { host?: string; port?: number }
    return `redis://${host ?? '127.0.0.1'}:${port ?? 6379}`
  }
  return redis.replace(/\/\/[^@/]*@/, '//***@')
}

/** Resolves when `ready` does; rejects with {@link RedisUnreachableError} after `timeout` ms. */
export async function within<T>(ready: Promise<T>, redis: RedisConnection, timeout: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnreachableError(describeRedis(redis), timeout)), timeout)
  })
  try {
    return await Promise.race([ready, late])
  } finally {
    clearTimeout(timer)
  }
}
