/**
 * WES outputs that name a path (file:///…, or a bare /path) are files on the server's host. They are copied
 * only when they lie under a folder the registry names for that service (`outputs.local_roots`, a shared
 * cluster file system): a server must not be able to make `download` copy ~/.ssh/id_rsa or
 * /proc/self/environ (which holds every API token) into the results. Both sides are resolved with realpath,
 * so a symlink cannot lead out of a root; the file is opened without following a final symlink, and on
 * Linux the opened descriptor's own path is checked again (a symlink swapped in after the check).
 */
import { constants } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUTSIDE_ROOTS = 'not copied: outside local_roots';

export type LocalSource = { kind: 'file'; path: string; handle: FileHandle } | { kind: 'refused'; note: string; outside: boolean };

export async function openLocalOutput(url: string, roots: readonly string[]): Promise<LocalSource> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return { kind: 'refused', note: `${url} is not a path on this host; copy it from the server`, outside: false };
  }
  if (roots.length === 0) return { kind: 'refused', note: `${OUTSIDE_ROOTS} (the registry names no outputs.local_roots for this service): ${path}`, outside: true };
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined) return { kind: 'refused', note: `${path} is a path on the server host that is not readable here; copy it from there`, outside: false };
  const realRoots = (await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)))).filter((root): root is string => Boolean(root));
  const inside = (candidate: string) => realRoots.some((root) => root === sep || candidate.startsWith(root + sep));
  if (!inside(real)) return { kind: 'refused', note: `${OUTSIDE_ROOTS}: ${path}${real !== path ? ` (resolves to ${real})` : ''}`, outside: true };
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return { kind: 'refused', note: `${path} is not readable here; copy it from the server host`, outside: false };
  }
  const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => real);
  const info = await handle.stat();
  if (!inside(opened) || !info.isFile()) {
    await handle.close();
    return inside(opened)
      ? { kind: 'refused', note: `${path} is not a regular file; not copied`, outside: false }
      : { kind: 'refused', note: `${OUTSIDE_ROOTS}: ${path} (resolves to ${opened})`, outside: true };
  }
  return { kind: 'file', path: real, handle };
}
