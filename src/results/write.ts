/**
 * Writing a result file: bytes go to `.name.part` in the destination folder, hashed on the way, and the
 * part is renamed over the final name only when complete. Any failure removes the part, so an interrupted
 * run leaves nothing that looks finished; a killed process leaves only a `.part` that the next run replaces.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inlineHasher, workerHasher, type Hasher } from './hasher.js';
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

const WRITE_BATCH = 1 << 20;
const WORKER_HASH_BYTES = 32 << 20;

/** An incremental writer to `.name.part`; `commit` renames it, `abort` removes it. */
export class PartFile {
  size = 0;
  /** network chunks are ~64 KiB: gather them so the disk sees 1 MiB writes, not a syscall per chunk */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** the batch being written while the next one is received (one write in flight at a time) */
  private writing: Promise<void> = Promise.resolve();
  private constructor(
    readonly path: string,
    readonly part: string,
    private readonly handle: FileHandle,
    private readonly label: string,
    private readonly hash: Hasher,
  ) {}

  /** `expectedBytes`: a large file is hashed on a worker thread, alongside the transfer */
  static async create(path: string, label: string, expectedBytes = 0): Promise<PartFile> {
    const part = partPath(path);
    // results hold genotype data: folders 0700, files 0600
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      const handle = await open(part, 'w', 0o600);
      return new PartFile(path, part, handle, label, expectedBytes >= WORKER_HASH_BYTES ? workerHasher() : inlineHasher());
    } catch (error) {
      throw ioFailure(error, label);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH) await this.flush(false);
  }

  /** start writing what is pending once the previous write is done; `wait` also waits for it to finish */
  private async flush(wait: boolean): Promise<void> {
    await this.writing;
    if (this.pendingBytes > 0) {
      const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      await this.hash.update(batch);
      // a short write only happens on a full disk, which surfaces as ENOSPC on the next call
      this.writing = this.handle.write(batch).then(
        () => undefined,
        (error: unknown) => {
          throw ioFailure(error, this.label);
        },
      );
      // keep an early failure from being reported as unhandled before the next flush awaits it
      this.writing.catch(() => undefined);
    }
    if (wait) await this.writing;
  }

  async commit(): Promise<FileDigest> {
    let sha256: string;
    try {
      await this.flush(true);
      sha256 = await this.hash.digest();
      await this.handle.sync().catch(() => undefined);
      await this.handle.close();
      await rename(this.part, this.path);
    } catch (error) {
      this.hash.dispose();
      await this.handle.close().catch(() => undefined);
      await rm(this.part, { force: true }).catch(() => undefined);
      throw ioFailure(error, this.label);
    }
    return { size: this.size, sha256 };
  }

  async abort(): Promise<void> {
    this.hash.dispose();
    await this.writing.catch(() => undefined);
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
