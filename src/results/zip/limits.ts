/**
 * Bounds on what one zip may produce. Imputation results are gzip files already: inside a zip they barely
 * shrink (ratio ~1.0), so an archive that expands more than tenfold is not a result but a bomb. Small files
 * compress well, hence an allowance below which the ratio is not held against an archive.
 */
import { ZipError } from './errors.js';

export interface ZipLimits {
  /** entries in one archive */
  maxEntries: number;
  /** extracted bytes per archive byte read */
  maxRatio: number;
  /** extracted bytes of one archive, in total */
  maxBytes: number;
}

export const DEFAULT_LIMITS: ZipLimits = { maxEntries: 1000, maxRatio: 10, maxBytes: 2 ** 40 };

const RATIO_ALLOWANCE = 64 << 20;

/** the archive-wide check run before every write: `produced` bytes extracted so far from `consumed` read */
export function checkBounds(limits: ZipLimits, entry: string, produced: number, consumed: number): void {
  if (produced > limits.maxBytes)
    throw new ZipError('bounds', `extracting ${entry} passes the limit of ${limits.maxBytes} bytes per archive (--max-size)`, entry);
  if (produced > RATIO_ALLOWANCE && produced > limits.maxRatio * consumed)
    throw new ZipError('bounds', `${entry} expands more than ${limits.maxRatio} times the archive's size (a zip bomb? the limit is --max-ratio)`, entry);
}
