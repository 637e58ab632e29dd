/**
 * "Did you mean" suggestions for unknown class types and input names.
 * @module
 */

/** Up to `limit` candidates closest to `name`: case-insensitive matches first, then by edit distance. */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = name.toLowerCase()
  const scored: { candidate: string; score: number }[] = []
  const maxDistance = Math.max(2, Math.floor(name.length / 3))
  for (const candidate of candidates) {
    const cl = candidate.toLowerCase()
    let score: number
    if (cl === lower) score = 0
    else if (cl.includes(lower) || lower.includes(cl)) score = 1 + Math.abs(cl.length - lower.length) / 100
    else {
      const d = editDistance(lower, cl, maxDistance)
      if (d > maxDistance) continue
      score = 1 + d
    }
    scored.push({ candidate, score })
  }
  scored.sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
  return scored.slice(0, limit).map((s) => s.candidate)
}

// Levenshtein distance with an early exit once every cell of a row exceeds `bound`:
function editDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1
      const value = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost)
      row.push(value)
      if (value < best) best = value
    }
    if (best > bound) return bound + 1
    prev = row
  }
  return prev[b.length] ?? bound + 1
}
