/**
 * WES `outputs` is free-form: CWL File/Directory objects, plain strings, arrays, nested objects. This walks
 * it and keeps what the registry's `outputs.include` globs select (matched against the output key, the
 * key path and the file's base name). Pure.
 */
import { pathToFileURL } from 'node:url';
import type { RemoteOutput } from '../types.js';

/** `**` any path (also none, `**\/` included), `*` within one segment, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index];
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/';
      pattern += slash ? '(?:.*/)?' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

export function matchesAny(candidates: string[], globs: string[]): boolean {
  if (globs.length === 0) return true;
  const patterns = globs.map(globToRegExp);
  return candidates.some((candidate) => patterns.some((pattern) => pattern.test(candidate)));
}

function schemeOf(url: string): RemoteOutput['scheme'] {
  if (/^https?:\/\//i.test(url)) return 'http';
  if (/^file:\/\//i.test(url)) return 'file';
  return 'other';
}

function toUrl(value: string): string {
  return value.startsWith('/') ? pathToFileURL(value).href : value;
}

function lastSegment(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const segment = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    // a malformed escape (%E0%A4%A) from a server: keep the segment as it is written
    return segment;
  }
}

function looksLikeLocation(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/');
}

export function selectOutputs(outputs: unknown, include: string[]): RemoteOutput[] {
  const found: { keyPath: string[]; output: RemoteOutput }[] = [];
  const visit = (value: unknown, keyPath: string[]) => {
    if (typeof value === 'string') {
      if (looksLikeLocation(value)) add(keyPath, toUrl(value), undefined, undefined);
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...keyPath, String(index)]));
      return;
    }
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const location = typeof record.location === 'string' ? record.location : typeof record.path === 'string' ? record.path : undefined;
    if (record.class === 'File' || (record.class === undefined && location && typeof record.basename === 'string')) {
      if (location) add(keyPath, toUrl(location), stringOf(record.basename), numberOf(record.size));
      return;
    }
    if (record.class === 'Directory') {
      if (Array.isArray(record.listing)) visit(record.listing, keyPath);
      return;
    }
    for (const [key, item] of Object.entries(record)) visit(item, [...keyPath, key]);
  };
  const add = (keyPath: string[], url: string, basename: string | undefined, size: number | undefined) => {
    const name = basename || lastSegment(url) || keyPath.join('_');
    const candidates = [keyPath[0] ?? '', keyPath.join('/'), name, [...keyPath, name].join('/')];
    if (!matchesAny(candidates, include)) return;
    found.push({ keyPath, output: { name, url, scheme: schemeOf(url), ...(size !== undefined ? { size } : {}) } });
  };
  visit(outputs, []);
  // two outputs with one base name: keep them apart by their key
  const counts = new Map<string, number>();
  for (const { output } of found) counts.set(output.name, (counts.get(output.name) ?? 0) + 1);
  return found.map(({ keyPath, output }) =>
    (counts.get(output.name) ?? 0) > 1 ? { ...output, name: `${keyPath.join('/')}/${output.name}` } : output,
  );
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
