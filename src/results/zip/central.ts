/**
 * The rest of an archive that could not be read as a stream (a stored entry with a data descriptor and no
 * sizes, as streaming writers such as zip.js make them): from the complete file, through the central
 * directory, which gives every entry's offset and sizes. Entries before `offset` were already extracted
 * while the file arrived and must be the ones the directory lists first.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { ZipError, ZipFormatError } from './errors.js';
import { CENTRAL_HEADER, END_RECORD, LOCAL_HEADER, SIGNATURE, centralEntry, centralLengths, localEntry, localLengths, u16, u32, u64, type CentralHeader } from './format.js';
import { matchCentral, readOne, type ArchiveOptions, type Budget, type ReadEntry } from './reader.js';
import { CHUNK } from './chunks.js';
import { ByteSource } from './source.js';

const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR = 20;

export async function readRestFromFile(path: string, offset: number, done: ReadEntry[], options: ArchiveOptions, budget: Budget): Promise<ReadEntry[]> {
  const { start, size } = await centralDirectory(path);
  const headers = await readHeaders(fileSource(path, start, start + size), options);
  const earlier = headers.filter((header) => header.localOffset < offset);
  matchCentral(done, earlier);
  const read = [...done];
  for (const header of headers.slice(earlier.length)) {
    const local = await localAt(path, header.localOffset);
    if (local.name !== header.name) throw new ZipFormatError(`its central directory names ${header.name} where ${local.name} is`, header.name);
    const source = fileSource(path, local.dataStart);
    const result = await readOne(source, { ...header, flags: local.flags }, true, header.localOffset, options, budget);
    read.push({ ...result, name: header.name, offset: header.localOffset, aeVersion: header.aes?.version });
  }
  return read;
}

function fileSource(path: string, start: number, end?: number): ByteSource {
  // createReadStream's `end` is inclusive
  const stream = createReadStream(path, { start, end: end === undefined ? undefined : end - 1, highWaterMark: CHUNK });
  return ByteSource.of(stream as AsyncIterable<Uint8Array>, start);
}

async function readHeaders(source: ByteSource, options: ArchiveOptions): Promise<CentralHeader[]> {
  const headers: CentralHeader[] = [];
  for (let fixed = await source.upTo(CENTRAL_HEADER); fixed.length > 0; fixed = await source.upTo(CENTRAL_HEADER)) {
    if (fixed.length < CENTRAL_HEADER || u32(fixed, 0) !== SIGNATURE.central) throw new ZipFormatError('its central directory is damaged');
    if (headers.length >= options.limits.maxEntries)
      throw new ZipError('bounds', `it has more than ${options.limits.maxEntries} entries (the limit is --max-entries)`);
    headers.push(centralEntry(fixed, await source.exactly(centralLengths(fixed), 'the central directory')));
  }
  return headers.sort((left, right) => left.localOffset - right.localOffset);
}

/** the end of central directory record (searched back over a possible comment), zip64 when it says so */
async function centralDirectory(path: string): Promise<{ start: number; size: number }> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const tailLength = Math.min(fileSize, END_RECORD + MAX_COMMENT + ZIP64_LOCATOR);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, fileSize - tailLength);
    for (let at = tailLength - END_RECORD; at >= 0; at--) {
      if (u32(tail, at) !== SIGNATURE.end || at + END_RECORD + u16(tail, at + 20) !== tailLength) continue;
      const locator = at - ZIP64_LOCATOR;
      if (locator >= 0 && u32(tail, locator) === SIGNATURE.zip64Locator) {
        const record = Buffer.alloc(56);
        await file.read(record, 0, 56, u64(tail, locator + 8));
        if (u32(record, 0) !== SIGNATURE.zip64End) throw new ZipFormatError('its zip64 end record is missing');
        return { start: u64(record, 48), size: u64(record, 40) };
      }
      return { start: u32(tail, at + 16), size: u32(tail, at + 12) };
    }
    throw new ZipFormatError('it has no end of central directory record');
  } finally {
    await file.close();
  }
}

async function localAt(path: string, offset: number): Promise<{ name: string; flags: number; dataStart: number }> {
  const file = await open(path, 'r');
  try {
    const fixed = Buffer.alloc(LOCAL_HEADER);
    await file.read(fixed, 0, LOCAL_HEADER, offset);
    if (u32(fixed, 0) !== SIGNATURE.local) throw new ZipFormatError(`no local header at offset ${offset}`);
    const { nameLength, extraLength } = localLengths(fixed);
    const variable = Buffer.alloc(nameLength + extraLength);
    await file.read(variable, 0, variable.length, offset + LOCAL_HEADER);
    const header = localEntry(fixed, variable);
    return { name: header.name, flags: header.flags, dataStart: offset + LOCAL_HEADER + variable.length };
  } finally {
    await file.close();
  }
}
