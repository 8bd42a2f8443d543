/** Median and 95th percentile of a list of timings (nearest-rank). */
export function summarize(values: number[]): { median: number; p95: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { median: rank(50), p95: rank(95), n: sorted.length };
}
