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
    readonly kind: 'exhausted' | 'vanished' | 'truncated' | 'disk-full' | 'password' | 'http' | 'io' | 'auth' | 'corrupt' | 'refused',
  ) {
    super(message);
  }
}

const WRITE_BATCH = 1 << 20;
const WORKER_HASH_BYTES = 32 << 20;
const GZIP_MAGIC = [0x1f, 0x8b];

/** An incremental writer to `.name.part`; `commit` renames it, `abort` removes it. */
export class PartFile {
  size = 0;
  /** the first bytes, for the gzip check */
  private head = new Uint8Array(0);
  /** network chunks are ~64 KiB: gather them so the disk sees 1 MiB writes, not a syscall per chunk */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** the batch being written while the next one is received (one write in flight at a time) */
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private constructor(
    readonly path: string,
    readonly part: string,
    private readonly handle: FileHandle,
    private readonly hash: Hasher,
  ) {}

  /** `expectedBytes`: a large file is hashed on a worker thread, alongside the transfer */
  static async create(path: string, expectedBytes = 0): Promise<PartFile> {
    const part = partPath(path);
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(part, 'w', 0o644);
      return new PartFile(path, part, handle, expectedBytes >= WORKER_HASH_BYTES ? workerHasher() : inlineHasher());
    } catch (error) {
      throw ioFailure(error, path);
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.head.length < GZIP_MAGIC.length) this.head = Buffer.concat([this.head, chunk.subarray(0, GZIP_MAGIC.length)]);
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
          throw ioFailure(error, this.path);
        },
      );
      // keep an early failure from being reported as unhandled before the next flush awaits it
      this.writing.catch(() => undefined);
    }
    if (wait) await this.writing;
  }

  /** everything written, synced and closed, still under the part name; `publish` makes it the result */
  async finish(): Promise<FileDigest> {
    let sha256: string;
    try {
      await this.flush(true);
      sha256 = await this.hash.digest();
      await this.handle.sync().catch(() => undefined);
      this.closed = true;
      await this.handle.close();
    } catch (error) {
      await this.abort();
      throw ioFailure(error, this.path);
    }
    return { size: this.size, sha256 };
  }

  async publish(): Promise<void> {
    try {
      await rename(this.part, this.path);
    } catch (error) {
      await rm(this.part, { force: true }).catch(() => undefined);
      throw ioFailure(error, this.path);
    }
  }

  async commit(): Promise<FileDigest> {
    const digest = await this.finish();
    await this.publish();
    return digest;
  }

  /** a name the manifest calls `.gz` must hold gzip data (an HTML error page is not a result) */
  isGzipWhereExpected(name: string): boolean {
    if (!/\.gz$/i.test(name)) return true;
    return this.head.length >= 2 && this.head[0] === GZIP_MAGIC[0] && this.head[1] === GZIP_MAGIC[1];
  }

  /** what the file starts with, for a message */
  describeHead(): string {
    return this.size === 0 ? 'it is empty' : `it starts with bytes ${Buffer.from(this.head).toString('hex')}`;
  }

  async abort(): Promise<void> {
    this.hash.dispose();
    await this.writing.catch(() => undefined);
    if (!this.closed) await this.handle.close().catch(() => undefined);
    this.closed = true;
    await rm(this.part, { force: true }).catch(() => undefined);
  }
}

/** the environment's refusals under their real names, naming the file; the caller adds what was kept */
export function ioFailure(error: unknown, path: string): Error {
  if (error instanceof FileFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const again = 'run `fedimpute download` again';
  if (code === 'ENOSPC') return new FileFailure(`no space left on device while writing ${path}; free some space and ${again}`, 'disk-full');
  if (code === 'EDQUOT') return new FileFailure(`disk quota exceeded while writing ${path}; free some space and ${again}`, 'disk-full');
  if (code === 'EFBIG')
    return new FileFailure(`file too large while writing ${path} (EFBIG: the file system's or this process's file size limit); raise the limit (ulimit -f) or choose another --out and ${again}`, 'disk-full');
  if (code === 'EROFS') return new FileFailure(`read-only file system while writing ${path}; choose another --out folder`, 'io');
  if (code === 'EACCES' || code === 'EPERM') return new FileFailure(`permission denied while writing ${path} (${code}); choose another --out folder`, 'io');
  if (code === 'ENAMETOOLONG') return new FileFailure(`file name too long for this file system: ${path}`, 'io');
  return new FileFailure(`cannot write ${path}: ${(error as Error).message}`, 'io');
}
