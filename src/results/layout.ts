/**
 * Where results go: `<out>/<parent short id>-<parent name>/<service slug>/<name>`, with names that keep their
 * sub-folders (statistics/snps-excluded.txt) but can never climb out of the service folder.
 */
import { createHash } from 'node:crypto';
import { dirname, join, normalize, sep } from 'node:path';
import { hasControl } from '../sanitize.js';
import type { DownloadRow, JobRow } from '../store/rows.js';

/** where `combine` writes by default, in the parent's folder beside the services' folders */
export const COMBINED_FOLDER = 'combined';

/** the child's results folder (<out>/<parent folder>/<service folder>), from where a recorded file went */
export function childFolder(row: Pick<DownloadRow, 'name' | 'path'>): string {
  const zipped = row.name.indexOf('.zip/');
  const relative = zipped >= 0 ? row.name.slice(zipped + '.zip/'.length) : row.name;
  return row.path.slice(0, row.path.length - relative.length - 1);
}

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

/** NAME_MAX on Linux, macOS and Windows file systems: 255 bytes (UTF-8) per path segment */
const NAME_MAX = 255;

/**
 * `.name.part` next to the final file: same file system, so the rename is atomic. A name near NAME_MAX keeps
 * a readable prefix and a hash of the whole name instead, so that the temporary name always fits.
 */
export function partPath(path: string): string {
  const folder = dirname(path);
  const base = path.slice(folder.length + 1);
  const plain = `.${base}.part`;
  if (Buffer.byteLength(plain) <= NAME_MAX) return join(folder, plain);
  const digest = createHash('sha256').update(base).digest('hex').slice(0, 16);
  const characters = Array.from(base);
  while (Buffer.byteLength(`.${characters.join('')}~${digest}.part`) > NAME_MAX) characters.pop();
  return join(folder, `.${characters.join('')}~${digest}.part`);
}

/**
 * Which source writes which output file of one service folder, so that two never write the same file: a
 * listed output and a zip entry, two zips' entries. Names are compared case-folded: on macOS and Windows
 * `Chr20.txt` and `chr20.txt` are one file. Returns the source already writing there, if another.
 */
export function outputClaims(): (name: string, source: string) => string | undefined {
  const writers = new Map<string, string>();
  return (name, source) => {
    const key = name.normalize('NFC').toLowerCase();
    const other = writers.get(key);
    if (other !== undefined && other !== source) return other;
    writers.set(key, source);
    return undefined;
  };
}
