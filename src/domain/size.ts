/** "500M", "2G", "1.5T", "4096" (bytes) → bytes; binary units (K = 1024), as `formatBytes` prints them. */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export function parseSize(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`${flag}: '${text}' is not a size`, { hint: 'use e.g. 500M, 20G or 1T' });
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2].toUpperCase()]);
  if (bytes <= 0) throw new UsageError(`${flag} must be more than 0, got '${text}'`);
  return bytes;
}
