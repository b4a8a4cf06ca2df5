/**
 * The machine's refusals that can reach any command — a full or read-only disk, a store locked by another
 * process, a damaged store — turned into one line that names the path and what to do, instead of "internal
 * error … report it". main.ts asks here before calling an error a bug; db.ts and the submitter use it too.
 */
import { ConfigError, EnvironmentError, EXIT, type FedimputeError } from './errors.js';

/** busy_timeout of the store: how long a command waits for another process's write lock */
export const STORE_BUSY_MS = 15_000;

const ERRNO: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large (EFBIG: the file system\'s or this process\'s file size limit)',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** a file-system error with a path (ENOSPC, EROFS, EACCES, …), or undefined */
export function fileFault(error: unknown): FedimputeError | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  if (!code || !path || !ERRNO[code]) return undefined;
  const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
  return new EnvironmentError(`${ERRNO[code]} while writing ${path}`, {
    hint: full ? 'free some space on that disk, then run this again' : 'make that place writable or choose another one',
    cause: error,
  });
}

/** an error of the SQLite store at `path`, or undefined when it is not one */
export function storeFault(error: unknown, path: string): FedimputeError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  const options = (hint: string) => ({ hint, cause: error });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new EnvironmentError(`the job store ${path} stayed locked by another process longer than fedimpute waits`,
      options('another fedimpute command is writing to it: let it finish (or stop it), then run this again'));
  // SQLite says FULL for a write that hit ENOSPC; growing the WAL index (-shm) on a full disk fails as SHMSIZE
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE')
    return new EnvironmentError(`no space left on device for the job store ${path}`, options('free some space on that disk, then run this again'));
  if (code.startsWith('SQLITE_READONLY'))
    return new EnvironmentError(`the job store ${path} is read-only (${code})`,
      options('make the file and its folder writable, or point --db / FEDIMPUTE_DB at a writable place'), EXIT.usage);
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return new ConfigError(`the job store ${path} is damaged or is not a fedimpute store (${code})`, options('point --db / FEDIMPUTE_DB at another file'));
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN'))
    return new EnvironmentError(`cannot read or write the job store ${path} (${code}: ${(error as Error).message})`,
      options('check that disk and the permissions of that folder'));
  return undefined;
}
