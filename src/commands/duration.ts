/** "30s", "5m", "2h", "1d", "1h30m", "250ms" or plain seconds → milliseconds. */
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: '${text}' is not a duration`, { hint: 'use e.g. 30s, 5m, 2h, 1d or 1h30m' });
  }
  return Math.round(parts.reduce((sum, part) => sum + Number(part[1]) * UNITS[part[2]], 0));
}
