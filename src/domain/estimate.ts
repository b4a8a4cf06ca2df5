/**
 * Progress from time alone, for a running job whose service gives no signal of its own (a WES run without
 * task logs): 1 − e^(−t/T) of the way from 1 to 99 %, where t is the time it has run and T the time such a
 * job usually takes. It moves at once, reaches 63 % at T and never claims 100 % (only completion does).
 */
export const DEFAULT_RUN_MS = 60 * 60_000;

export function elapsedProgress(elapsedMs: number, expectedMs = DEFAULT_RUN_MS): number {
  if (!(elapsedMs > 0)) return 1;
  const expected = expectedMs > 0 ? expectedMs : DEFAULT_RUN_MS;
  return Math.round(1 + 98 * (1 - Math.exp(-elapsedMs / expected)));
}

/** the median of past run times (ms), or the default when there are none */
export function typicalRunMs(durations: readonly number[]): number {
  const sorted = durations.filter((value) => value > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return DEFAULT_RUN_MS;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
