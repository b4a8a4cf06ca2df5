/** Small pure formatters shared by every command's output. */
import { isAbsolute, relative, sep } from 'node:path';
import type { Style } from './style.js';

/**
 * A path as a terminal shows it: from the current folder when it lies under it (`results/…/chr20.dose.vcf.gz`),
 * else whole: `../../../tmp/x` says less than `/tmp/x` and is longer. Pipes and --json get paths whole.
 */
export function shownPath(path: string, cwd: string): string {
  const from = relative(cwd, path);
  const outside = from === '..' || from.startsWith(`..${sep}`) || isAbsolute(from);
  return from && !outside ? from : path;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '';
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "3 min ago", "in 2 days" */
export function relativeTime(iso: string | null | undefined, now: Date): string {
  if (!iso) return '';
  const delta = Date.parse(iso) - now.getTime();
  const past = delta < 0;
  const abs = Math.abs(delta);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  if (abs < 5000) return 'just now';
  for (const [size, unit] of units) {
    if (abs >= size) {
      const value = Math.floor(abs / size);
      const label = unit === 's' ? `${value}s` : `${value} ${unit}${value > 1 && unit !== 'min' ? 's' : ''}`;
      return past ? `${label} ago` : `in ${label}`;
    }
  }
  return 'just now';
}

export function progressBar(percent: number, width: number, style: Pick<Style, 'symbols'>): string {
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * width);
  return `${style.symbols.barFull.repeat(filled)}${style.symbols.barEmpty.repeat(width - filled)}`;
}

/** "45%" right-aligned in four columns */
export function percent(value: number): string {
  return `${Math.floor(value)}%`.padStart(4);
}

/** "3.2 MB/s" */
export function formatRate(bytesPerSecond: number): string {
  return Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '';
}

/** time left at the rate so far: "ETA 1m 05s", '' when it cannot be told yet */
export function formatEta(done: number, total: number | undefined, elapsedMs: number): string {
  if (!total || done <= 0 || done >= total || elapsedMs < 500) return '';
  return `ETA ${formatDuration(((total - done) / done) * elapsedMs)}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "✔ completed", coloured; the symbol is ASCII where the terminal cannot draw it */
export function statusLabel(status: string, style: Style): string {
  const symbols = style.symbols as unknown as Record<string, string>;
  const text = `${symbols[status] ?? '?'} ${status}`;
  switch (status) {
    case 'completed':
      return style.green(text);
    case 'failed':
      return style.red(text);
    case 'canceled':
      return style.yellow(text);
    case 'running':
      return style.cyan(text);
    default:
      return style.gray(text);
  }
}
