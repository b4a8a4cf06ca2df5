/**
 * Where results go: `<out>/<parent short id>-<parent name>/<service slug>/<name>`, with names that keep their
 * sub-folders (statistics/snps-excluded.txt) but can never climb out of the service folder.
 */
import { dirname, join, normalize, sep } from 'node:path';
import { hasControl } from '../sanitize.js';
import type { JobRow } from '../store/rows.js';

/** "a1b2c3d4-study_chr20" — the parent's folder, stable across runs */
export function parentFolderName(parent: JobRow): string {
  const name = (parent.name ?? '')
    .replace(/\.(vcf\.gz|vcf|bgz|gz)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+|_+$/g, '')
    .slice(0, 60);
  return name ? `${parent.id.slice(0, 8)}-${name}` : parent.id.slice(0, 8);
}

/**
 * A server-given relative name made safe: forward slashes only, no absolute paths, no `..`, no empty
 * segments, no control characters (a tab or newline in a name would forge rows of tab-separated output, an
 * escape sequence would reach the terminal). Returns null when nothing sensible is left: the file is refused.
 */
export function safeRelative(name: string): string | null {
  if (hasControl(name)) return null;
  const segments = name.replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.length === 0 || segments.some((segment) => segment === '..')) return null;
  return segments.join('/');
}

export function destination(folder: string, relative: string): string {
  const path = normalize(join(folder, ...relative.split('/')));
  if (!path.startsWith(folder + sep)) throw new Error(`refusing to write outside ${folder}: ${relative}`);
  return path;
}

/** `.name.part` next to the final file: same file system, so the rename is atomic */
export function partPath(path: string): string {
  const base = path.slice(dirname(path).length + 1);
  return join(dirname(path), `.${base}.part`);
}
