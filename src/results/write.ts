/**
 * Writing a result file: bytes go to `.name.part` in the destination folder, hashed on the way, and the
 * part is renamed over the final name only when complete. Any failure removes the part, so an interrupted
 * run leaves nothing that looks finished; a killed process leaves only a `.part` that the next run replaces.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { partPath } from './layout.js';

export interface FileDigest {
  size: number;
  sha256: string;
}

/** One failure of one file, with the sentence the user sees. */
export class FileFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'exhausted' | 'vanished' | 'truncated' | 'disk-full' | 'password' | 'http' | 'io' | 'auth',
  ) {
    super(message);
  }
}

/** An incremental writer to `.name.part`; `commit` renames it, `abort` removes it. */
export class PartFile {
  private readonly hash = createHash('sha256');
  size = 0;
  private constructor(
    readonly path: string,
    readonly part: string,
    private readonly handle: FileHandle,
    private readonly label: string,
  ) {}

  static async create(path: string, label: string): Promise<PartFile> {
    const part = partPath(path);
    await mkdir(dirname(path), { recursive: true });
    try {
      return new PartFile(path, part, await open(part, 'w', 0o644), label);
    } catch (error) {
      throw ioFailure(error, label);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.size += chunk.length;
    try {
      // a short write only happens on a full disk, which surfaces as ENOSPC on the next call
      await this.handle.write(chunk);
    } catch (error) {
      throw ioFailure(error, this.label);
    }
  }

  async commit(): Promise<FileDigest> {
    try {
      await this.handle.sync().catch(() => undefined);
      await this.handle.close();
      await rename(this.part, this.path);
    } catch (error) {
      await rm(this.part, { force: true }).catch(() => undefined);
      throw ioFailure(error, this.label);
    }
    return { size: this.size, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.part, { force: true }).catch(() => undefined);
  }
}

export function ioFailure(error: unknown, label: string): Error {
  if (error instanceof FileFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new FileFailure(`disk full while writing ${label}; free space and run download again`, 'disk-full');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new FileFailure(`cannot write ${label}: permission denied (${code}); choose another --out folder`, 'io');
  return new FileFailure(`cannot write ${label}: ${(error as Error).message}`, 'io');
}
