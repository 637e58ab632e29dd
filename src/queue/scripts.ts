/**
 * The queue's own Redis scripts (beside BullMQ's), each one round trip and atomic:
 * - `claim`: right before a POST, checks that the job is still this worker's and not cancelled, renews its lock
 *   and records where it goes. One round trip where a lock extension, a flag read and a data update took two.
 * - `streamTail`: the id of a stream's last entry, where a reader starts so that it misses nothing added later.
 * @module
 */
import type { RedisClient } from 'bullmq'

const CLAIM = `
-- KEYS[1] job hash, KEYS[2] job lock, KEYS[3] stalled set, KEYS[4] cancel flag
-- ARGV[1] lock token ('' for none), ARGV[2] lock duration (ms), ARGV[3] job id, ARGV[4] field, ARGV[5] placements JSON
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
if ARGV[1] ~= '' then
  if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
end
redis.call('HSET', KEYS[1], ARGV[4], ARGV[5])
return 1
`

const STREAM_TAIL = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then return '0-0' end
return last[1][1]
`

const defined = new WeakSet<object>()

function define(client: RedisClient): void {
  if (defined.has(client)) return
  client.defineCommand('comfyDslClaim', { numberOfKeys: 4, lua: CLAIM })
  client.defineCommand('comfyDslStreamTail', { numberOfKeys: 1, lua: STREAM_TAIL, readOnly: true })
  defined.add(client)
}

/** What `claim` found: recorded; the lock is another worker's; the job was cancelled; the job is gone. */
export type ClaimOutcome = 'claimed' | 'lock-lost' | 'cancelled' | 'missing'

export interface ClaimKeys {
  readonly job: string
  readonly lock: string
  readonly stalled: string
  readonly cancel: string
}

export async function claim(
  client: RedisClient,
  keys: ClaimKeys,
  args: { readonly token: string | undefined; readonly lockDuration: number; readonly jobId: string; readonly field: string; readonly value: string },
): Promise<ClaimOutcome> {
  define(client)
  const result = Number(
    await client.runCommand('comfyDslClaim', [keys.job, keys.lock, keys.stalled, keys.cancel, args.token ?? '', args.lockDuration, args.jobId, args.field, args.value]),
  )
  if (result === 1) return 'claimed'
  if (result === -1) return 'cancelled'
  if (result === -2) return 'missing'
  return 'lock-lost'
}

export async function streamTail(client: RedisClient, key: string): Promise<string> {
  define(client)
  return String(await client.runCommand('comfyDslStreamTail', [key]))
}
