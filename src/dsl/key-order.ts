/**
 * @internal The order JSON.stringify writes the keys of an object: array indices ascending first, then the other
 * keys as inserted.
 * @module
 */

/**
 * The places in the order JSON.stringify writes an object with the keys `ids` in that order: array indices
 * ascending first, then the other keys as inserted. Numbered ids come ascending already; pinned ids may not.
 */
export function keyOrder(ids: readonly string[]): number[] {
  const order = new Array<number>(ids.length)
  let sorted = true
  let last = -1
  for (let i = 0; i < ids.length; i++) {
    order[i] = i
    const index = arrayIndex(ids[i] as string)
    if (index === -1 || index < last) sorted = false
    else last = index
  }
  if (sorted) return order
  const indices = order.filter((i) => arrayIndex(ids[i] as string) !== -1)
  indices.sort((a, b) => arrayIndex(ids[a] as string) - arrayIndex(ids[b] as string))
  return [...indices, ...order.filter((i) => arrayIndex(ids[i] as string) === -1)]
}

const MAX_ARRAY_INDEX = 2 ** 32 - 2

// The key as an array index (what objects order first), or -1: digits without a leading zero, up to 2^32 - 2.
function arrayIndex(key: string): number {
  if (key.length === 0 || key.length > 10 || (key.length > 1 && key.charCodeAt(0) === 48)) return -1
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c < 48 || c > 57) return -1
  }
  const value = Number(key)
  return value <= MAX_ARRAY_INDEX ? value : -1
}
