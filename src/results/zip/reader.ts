/**
 * Reading a zip front to back as it arrives (no seeking, nothing buffered whole): each local header, its data
 * through entry.ts, then the central directory, which must list exactly the entries that were read, with the
 * same CRCs and sizes. An entry that cannot be delimited without the central directory raises
 * NeedsCentralDirectory; the caller finishes from the complete file (central.ts).
 */
import { aesOverhead } from './aes.js';
import { readEntry, type EntryResult } from './entry.js';
import { ZIPCRYPTO_HEADER } from './zipcrypto.js';
import { NeedsCentralDirectory, ZipError, ZipFormatError } from './errors.js';
import { CENTRAL_HEADER, FLAG, LOCAL_HEADER, METHOD, SIGNATURE, centralEntry, centralLengths, localEntry, localLengths, u32, type CentralHeader, type EntryHeader } from './format.js';
import { checkBounds, type ZipLimits } from './limits.js';
import type { ByteSource } from './source.js';

/** where an entry's bytes go; `finish` runs once the entry is verified */
export interface EntrySink {
  write(plain: Uint8Array): Promise<void>;
  finish(result: EntryResult): Promise<void>;
}

export interface ArchiveOptions {
  password: Uint8Array | null;
  limits: ZipLimits;
  /** an entry begins: where should its bytes go (throws to refuse it, e.g. a duplicate name) */
  open(header: EntryHeader): Promise<EntrySink>;
}

export interface ReadEntry extends EntryResult {
  name: string;
  offset: number;
  aeVersion?: number;
}

/** extracted bytes so far, shared with central.ts so that one archive has one budget */
export interface Budget {
  produced: number;
  entries: number;
}

/** entries go into `done` as they are verified (the caller keeps them if NeedsCentralDirectory interrupts) */
export async function readArchive(source: ByteSource, options: ArchiveOptions, done: ReadEntry[] = [], budget: Budget = { produced: 0, entries: 0 }): Promise<ReadEntry[]> {
  for (;;) {
    const offset = source.position;
    const signature = await source.upTo(4);
    if (signature.length < 4) throw new ZipFormatError(offset === 0 ? 'it is empty' : 'the archive ends before its central directory');
    const kind = u32(signature, 0);
    if (kind === SIGNATURE.local) {
      const fixed = Buffer.concat([signature, await source.exactly(LOCAL_HEADER - 4, 'a local header')]);
      const { nameLength, extraLength } = localLengths(fixed);
      const header = localEntry(fixed, await source.exactly(nameLength + extraLength, 'a local header'));
      const sizesKnown = localSizesHold(header);
      done.push({ ...(await readOne(source, header, sizesKnown, offset, options, budget)), name: header.name, offset, aeVersion: header.aes?.version });
      continue;
    }
    source.unread(signature);
    if (offset === 0 && kind !== SIGNATURE.end) throw new ZipFormatError(`it is not a zip archive (it starts with ${preview(await source.upTo(16))})`);
    if (kind === SIGNATURE.central || (kind === SIGNATURE.end && done.length === 0)) {
      matchCentral(done, await readCentralStream(source, options.limits));
      await source.drain();
      return done;
    }
    throw new ZipFormatError(`unexpected bytes at offset ${offset} (${preview(signature)})`);
  }
}

/**
 * With a data descriptor (bit 3) the local header's sizes are only advisory: Info-ZIP writing to a file fills
 * them in, writing to a pipe leaves wrong ones, streaming writers leave zeros. A deflated entry ends where its
 * deflate stream does, whatever they say; a stored one is trusted only when its sizes agree with each other.
 */
function localSizesHold(header: EntryHeader): boolean {
  if (!(header.flags & FLAG.descriptor)) return true;
  const method = header.method === METHOD.aes && header.aes ? header.aes.method : header.method;
  if (method !== METHOD.stored || header.compressedSize === 0) return false;
  const overhead = !(header.flags & FLAG.encrypted) ? 0 : header.aes ? aesOverhead(header.aes.strength) : ZIPCRYPTO_HEADER;
  return header.compressedSize === header.size + overhead;
}

/** one entry with the archive's budget applied; used by the stream reader and by central.ts alike */
export async function readOne(
  source: ByteSource, header: EntryHeader, sizesKnown: boolean, offset: number, options: ArchiveOptions, budget: Budget,
): Promise<EntryResult> {
  const method = header.method === METHOD.aes && header.aes ? header.aes.method : header.method;
  if (!sizesKnown && method === METHOD.stored) throw new NeedsCentralDirectory(offset);
  if (++budget.entries > options.limits.maxEntries)
    throw new ZipError('bounds', `it has more than ${options.limits.maxEntries} entries (the limit is --max-entries)`);
  const sink = await options.open(header);
  const before = budget.produced;
  const result = await readEntry({
    source, header, sizesKnown, offset, password: options.password, write: (plain) => sink.write(plain),
    // the source's position is the offset in the archive: bytes read so far, whichever reader runs
    guard: (produced) => {
      budget.produced = before + produced;
      checkBounds(options.limits, header.name, budget.produced, source.position);
    },
  });
  await sink.finish(result);
  return result;
}

/** the central directory as it streams past: its headers, then the end records, which are only skipped */
async function readCentralStream(source: ByteSource, limits: ZipLimits): Promise<CentralHeader[]> {
  const headers: CentralHeader[] = [];
  for (;;) {
    const signature = await source.upTo(4);
    if (signature.length < 4 || u32(signature, 0) !== SIGNATURE.central) return headers;
    if (headers.length >= limits.maxEntries) throw new ZipError('bounds', `it has more than ${limits.maxEntries} entries (the limit is --max-entries)`);
    const fixed = Buffer.concat([signature, await source.exactly(CENTRAL_HEADER - 4, 'the central directory')]);
    headers.push(centralEntry(fixed, await source.exactly(centralLengths(fixed), 'the central directory')));
  }
}

/** the central directory is the archive's table of contents: it must agree with what was read */
export function matchCentral(read: ReadEntry[], central: CentralHeader[]): void {
  if (central.length !== read.length)
    throw new ZipFormatError(`its central directory lists ${central.length} entries but ${read.length} were found`);
  central.forEach((header, index) => {
    const entry = read[index];
    const crcChecked = entry.aeVersion !== 2;
    if (header.name !== entry.name || header.localOffset !== entry.offset)
      throw new ZipFormatError(`its central directory does not list ${entry.name} where it is`, entry.name);
    if (header.compressedSize !== entry.compressedSize || header.size !== entry.size || (crcChecked && header.crc !== entry.crc))
      throw new ZipFormatError(`its central directory disagrees with ${entry.name} (sizes or CRC)`, entry.name);
  });
}

function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `"${text}"`;
}
