/**
 * Writing a result file: bytes go to `.name.part` in the destination folder, hashed on the way, and the
 * part is renamed over the final name only when complete. Any failure removes the part, so an interrupted
 * run leaves nothing that looks finished; a killed process leaves only a `.part` that the next run replaces.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createHash, type Hash } from 'node:crypto';
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

const WRITE_BATCH = 512 << 10;
/**
 * A durable file is synced in steps of this many bytes while it is written, on the thread pool, so that
 * the disk writes as the bytes arrive: the sync before the rename then waits for the last step only
 * (a 512 MiB file synced only at its end waited ~160 ms more, on an idle disk).
 */
const SYNC_STEP = 32 << 20;
const GZIP_MAGIC = [0x1f, 0x8b];

export interface PartOptions {
  /** fsync before the rename (default): a result must survive a crash once it is recorded as good */
  durable?: boolean;
}

/** An incremental writer to `.name.part`; `commit` renames it, `abort` removes it. */
export class PartFile {
  size = 0;
  /** the first bytes, for the gzip check */
  private head = new Uint8Array(0);
  /**
   * Network chunks are ~64 KiB: they are copied into a 512 KiB slab so that the disk sees large writes, not a
   * syscall per chunk. Two slabs take turns (one filling while the other is written), and are reused: a
   * gigabyte passing through allocates nothing, which keeps the garbage collector and the RSS quiet.
   */
  private slab?: Buffer;
  private spare?: Buffer;
  private filled = 0;
  /** the slab being written while the next one fills (one write in flight at a time) */
  private writing: Promise<void> = Promise.resolve();
  private busy = false;
  /** the step's sync in flight, and the bytes written since the last one began */
  private syncing?: Promise<void>;
  private unsynced = 0;
  /**
   * SHA-256 on this thread: with the SHA extensions OpenSSL hashes ~1.7 GB/s (0.3 s of CPU per 512 MiB). A
   * worker hashing the same slabs through shared memory (no copy) was no faster on two shared cores, and took
   * 0.14 s more CPU and 10 MB more per 512 MiB (bench/README.md); without the extensions ~500 MB/s, still ahead
   * of any network.
   */
  private readonly hash: Hash = createHash('sha256');
  private closed = false;
  private constructor(
    readonly path: string,
    readonly part: string,
    private readonly handle: FileHandle,
    private readonly durable: boolean,
  ) {}

  static async create(path: string, options: PartOptions = {}): Promise<PartFile> {
    const part = partPath(path);
    // results hold genotype data: folders 0700, files 0600
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const handle = await open(part, 'w', 0o600);
      return new PartFile(path, part, handle, options.durable ?? true);
    } catch (error) {
      throw ioFailure(error, path);
    }
  }

  /**
   * The chunk is copied into the slab, and the caller may reuse it, when this returns nothing; it returns a
   * promise only when both slabs are full (the disk is behind), and the copy is done when that settles.
   * A sink that keeps up thus costs no promise per chunk.
   */
  write(chunk: Uint8Array): Promise<void> | void {
    if (this.head.length < GZIP_MAGIC.length) this.head = Buffer.concat([this.head, chunk.subarray(0, GZIP_MAGIC.length)]);
    this.size += chunk.length;
    return this.copy(chunk, 0);
  }

  private copy(chunk: Uint8Array, from: number): Promise<void> | void {
    for (let offset = from; offset < chunk.length; ) {
      if (this.filled === WRITE_BATCH) {
        if (this.busy) return this.writing.then(() => this.copy(chunk, offset));
        this.startWrite();
      }
      this.slab ??= Buffer.allocUnsafeSlow(WRITE_BATCH);
      const take = Math.min(chunk.length - offset, WRITE_BATCH - this.filled);
      this.slab.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
    }
    if (this.filled === WRITE_BATCH && !this.busy) this.startWrite();
  }

  /** hash the filled slab and write it (one write in flight at a time); the other slab fills meanwhile */
  private startWrite(): void {
    const batch = this.slab!.subarray(0, this.filled);
    this.hash.update(batch);
    this.busy = true;
    // a short write only happens on a full disk, which surfaces as ENOSPC on the next call
    this.writing = this.handle.write(batch).then(
      () => {
        this.busy = false;
        this.syncStep(batch.length);
      },
      // `busy` stays: every later write waits on this rejection
      (error: unknown) => {
        throw ioFailure(error, this.path);
      },
    );
    // keep an early failure from being reported as unhandled before a later write awaits it
    this.writing.catch(() => undefined);
    [this.slab, this.spare] = [this.spare, this.slab];
    this.filled = 0;
  }

  /** a durable file's sync of what is written so far, unless one is still running (then the next write starts it) */
  private syncStep(written: number): void {
    if (!this.durable || (this.unsynced += written) < SYNC_STEP || this.syncing) return;
    this.unsynced = 0;
    // a failure here is the final sync's to report (it is not fatal there either)
    this.syncing = this.handle
      .datasync()
      .catch(() => undefined)
      .finally(() => (this.syncing = undefined));
  }

  /** everything written, synced and closed, still under the part name; `publish` makes it the result */
  async finish(): Promise<FileDigest> {
    let sha256: string;
    try {
      await this.writing;
      if (this.filled > 0) this.startWrite();
      await this.writing;
      sha256 = this.hash.digest('hex');
      await this.syncing;
      if (this.durable) await this.handle.sync().catch(() => undefined);
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
    await Promise.all([this.writing.catch(() => undefined), this.syncing]);
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
