/**
 * Extracting a Michigan chr_<N>.zip (ZipCrypto or AES) while it arrives: the zip reader (zip/) hands each
 * entry's verified bytes to a `.name.part` file; the entries become results only together, once the whole
 * archive has been read and checked (all or nothing), so a corrupt or hostile zip leaves no file that looks
 * finished. Only a stored entry that streaming writers leave unsized waits for the complete file.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { destination, safeRelative } from './layout.js';
import { PartFile, type FileDigest } from './write.js';
import { readRestFromFile } from './zip/central.js';
import { NeedsCentralDirectory, ZipError } from './zip/errors.js';
import type { EntryHeader } from './zip/format.js';
import type { ZipLimits } from './zip/limits.js';
import { readArchive, type ArchiveOptions, type Budget, type EntrySink, type ReadEntry } from './zip/reader.js';
import { CHUNK } from './zip/chunks.js';
import { ByteSource } from './zip/source.js';

export interface ExtractedEntry extends FileDigest {
  /** entry name inside the zip, made safe */
  name: string;
  path: string;
}

export interface ExtractOptions {
  password: string | null;
  folder: string;
  limits: ZipLimits;
  /** claim an output name for this zip; returns what already writes there, if anything */
  claim?: (name: string) => string | undefined;
  /** progress of extracting a zip from disk: bytes of it read, of its size */
  onBytes?: (done: number, total: number) => void;
}

interface Staged {
  name: string;
  file: PartFile;
  digest?: FileDigest;
}

export class ZipExtraction {
  private readonly staged: Staged[] = [];
  private readonly names = new Set<string>();
  private readonly budget: Budget = { produced: 0, entries: 0 };
  private read: ReadEntry[] = [];
  /** where streaming stopped for an entry only the central directory can delimit */
  private deferred?: number;
  private readonly archive: ArchiveOptions;

  constructor(private readonly options: ExtractOptions) {
    this.archive = {
      password: options.password === null ? null : Buffer.from(options.password, 'utf8'),
      limits: options.limits,
      open: (header) => this.open(header),
    };
  }

  /** read the archive as far as a stream allows; the bytes not needed go on through the source */
  async stream(chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const source = ByteSource.of(chunks);
    try {
      this.read = await readArchive(source, this.archive, this.read, this.budget);
    } catch (error) {
      if (!(error instanceof NeedsCentralDirectory)) throw error;
      this.deferred = error.offset;
      await source.drain();
    }
  }

  /** after `stream`, with the complete zip at `zipPath`: the entries streaming had to leave */
  async finish(zipPath: string): Promise<void> {
    if (this.deferred !== undefined) this.read = await readRestFromFile(zipPath, this.deferred, this.read, this.archive, this.budget);
  }

  /** every entry verified: rename them all into place */
  async publish(): Promise<ExtractedEntry[]> {
    const published: ExtractedEntry[] = [];
    for (const entry of this.staged) {
      await entry.file.publish();
      published.push({ name: entry.name, path: entry.file.path, ...entry.digest! });
    }
    return published;
  }

  async abort(): Promise<void> {
    await Promise.all(this.staged.map((entry) => entry.file.abort()));
  }

  private async open(header: EntryHeader): Promise<EntrySink> {
    if (header.name.endsWith('/')) return directory(header.name);
    const name = safeRelative(header.name);
    if (!name) throw new ZipError('unsafe-name', `it holds an entry with an unsafe name (${header.name})`, header.name);
    // case-folded: on macOS and Windows two names that differ only in case are one file
    const folded = name.normalize('NFC').toLowerCase();
    if (this.names.has(folded)) throw new ZipError('duplicate', `two of its entries would both be written to ${name}`, name);
    this.names.add(folded);
    const other = this.options.claim?.(name);
    if (other) throw new ZipError('duplicate', `its entry ${name} would overwrite ${other}`, name);
    const file = await PartFile.create(destination(this.options.folder, name));
    const staged: Staged = { name, file };
    this.staged.push(staged);
    return {
      write: async (plain) => file.write(plain),
      finish: async () => {
        if (!file.isGzipWhereExpected(name)) throw new ZipError('corrupt', `${name} is not gzip data (${file.describeHead()})`, name);
        staged.digest = await file.finish();
      },
    };
  }
}

function directory(name: string): EntrySink {
  return {
    write: async () => {
      throw new ZipError('format', `its folder entry ${name} holds data`, name);
    },
    finish: async () => undefined,
  };
}

/** a zip already on disk (kept from an earlier run): the same reader over the file */
export async function extractFile(zipPath: string, options: ExtractOptions): Promise<ExtractedEntry[]> {
  const extraction = new ZipExtraction(options);
  const { size } = await stat(zipPath);
  async function* read(): AsyncGenerator<Uint8Array> {
    let done = 0;
    for await (const chunk of createReadStream(zipPath, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>) {
      options.onBytes?.((done += chunk.length), size);
      yield chunk;
    }
  }
  try {
    await extraction.stream(read());
    await extraction.finish(zipPath);
    return await extraction.publish();
  } catch (error) {
    await extraction.abort();
    throw error;
  }
}
