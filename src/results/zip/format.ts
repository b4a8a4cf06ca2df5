/**
 * The zip records fedimpute reads (APPNOTE.TXT 6.3.10, sections 4.3–4.5), decoded from bytes into plain
 * values. Pure functions: the streaming reader and the central-directory reader both use them.
 */
import { crc32 } from './crc32.js';

export const SIGNATURE = {
  local: 0x04034b50,
  descriptor: 0x08074b50,
  central: 0x02014b50,
  end: 0x06054b50,
  zip64End: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

export const LOCAL_HEADER = 30;
export const CENTRAL_HEADER = 46;
export const END_RECORD = 22;
const MAX32 = 0xffffffff;

export const FLAG = { encrypted: 1 << 0, descriptor: 1 << 3, strong: 1 << 6, utf8: 1 << 11 } as const;
export const METHOD = { stored: 0, deflated: 8, aes: 99 } as const;

/** what a local or central header says about one entry */
export interface EntryHeader {
  flags: number;
  method: number;
  /** DOS time, whose high byte is Info-ZIP's ZipCrypto check value for entries with a data descriptor */
  time: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** the name bytes decoded (UTF-8, or Latin-1 when they are not valid UTF-8) */
  name: string;
  /** a zip64 extra field was present (data descriptors then carry 8-byte sizes) */
  zip64: boolean;
  /** WinZip AES: AE-1 or AE-2, key strength 1–3, the real compression method */
  aes?: { version: number; strength: number; method: number };
}

export interface CentralHeader extends EntryHeader {
  localOffset: number;
}

export function u16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

export function u32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/** 64-bit little-endian as a number: exact below 2^53 (8 PiB), plenty for a file */
export function u64(bytes: Uint8Array, offset: number): number {
  return u32(bytes, offset) + u32(bytes, offset + 4) * 2 ** 32;
}

/** the fixed part of a local header; the caller reads `nameLength + extraLength` more bytes for `localEntry` */
export function localLengths(fixed: Uint8Array): { nameLength: number; extraLength: number } {
  return { nameLength: u16(fixed, 26), extraLength: u16(fixed, 28) };
}

export function localEntry(fixed: Uint8Array, variable: Uint8Array): EntryHeader {
  const { nameLength } = localLengths(fixed);
  const header = {
    flags: u16(fixed, 6), method: u16(fixed, 8), time: u16(fixed, 10), crc: u32(fixed, 14),
    compressedSize: u32(fixed, 18), size: u32(fixed, 22),
  };
  return withExtras(header, variable.subarray(0, nameLength), variable.subarray(nameLength), false);
}

export function centralEntry(fixed: Uint8Array, variable: Uint8Array): CentralHeader {
  const nameLength = u16(fixed, 28);
  const extraLength = u16(fixed, 30);
  const header = {
    flags: u16(fixed, 8), method: u16(fixed, 10), time: u16(fixed, 12), crc: u32(fixed, 16),
    compressedSize: u32(fixed, 20), size: u32(fixed, 24), localOffset: u32(fixed, 42),
  };
  return withExtras(header, variable.subarray(0, nameLength), variable.subarray(nameLength, nameLength + extraLength), true);
}

export function centralLengths(fixed: Uint8Array): number {
  return u16(fixed, 28) + u16(fixed, 30) + u16(fixed, 32);
}

function withExtras<T extends Omit<EntryHeader, 'name' | 'zip64' | 'aes'> & { localOffset?: number }>(
  header: T, nameBytes: Uint8Array, extra: Uint8Array, central: boolean,
): T & EntryHeader {
  const entry: T & EntryHeader = { ...header, name: decodeName(nameBytes, header.flags), zip64: false };
  for (let offset = 0; offset + 4 <= extra.length; ) {
    const id = u16(extra, offset);
    const size = u16(extra, offset + 2);
    const data = extra.subarray(offset + 4, offset + 4 + size);
    offset += 4 + size;
    if (id === 0x0001) readZip64(entry, data, central);
    else if (id === 0x9901 && data.length >= 7) entry.aes = { version: u16(data, 0), strength: data[4], method: u16(data, 5) };
    // Info-ZIP Unicode Path: the UTF-8 name, valid while the CRC of the plain name still matches
    else if (id === 0x7075 && data.length > 5 && data[0] === 1 && u32(data, 1) === crc32(nameBytes))
      entry.name = new TextDecoder().decode(data.subarray(5));
  }
  return entry;
}

/**
 * APPNOTE 4.5.3: the zip64 field holds, in this order, the sizes and offset whose 32-bit fields are 0xFFFFFFFF;
 * a local header carries both sizes. Only the 0xFFFFFFFF marks make it count: zip.js streams with zero sizes
 * in the header and a placeholder (2^32) in the field.
 */
function readZip64(entry: EntryHeader & { localOffset?: number }, data: Uint8Array, central: boolean): void {
  entry.zip64 = true;
  let offset = 0;
  const take = (present: boolean): number | undefined => {
    if (!present || offset + 8 > data.length) return undefined;
    offset += 8;
    return u64(data, offset - 8);
  };
  const both = !central && data.length >= 16 && (entry.size === MAX32 || entry.compressedSize === MAX32);
  entry.size = take(both || entry.size === MAX32) ?? entry.size;
  entry.compressedSize = take(both || entry.compressedSize === MAX32) ?? entry.compressedSize;
  if (central && entry.localOffset === MAX32) entry.localOffset = take(true) ?? entry.localOffset;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** bit 11 says UTF-8; without it most writers still use UTF-8 (Info-ZIP on Unix), else Latin-1 keeps every byte */
function decodeName(bytes: Uint8Array, flags: number): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return flags & FLAG.utf8 ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString('latin1');
  }
}

export interface Descriptor {
  crc: number;
  compressedSize: number;
  size: number;
  /** bytes it took, signature included */
  length: number;
}

/** a data descriptor at the start of `bytes` (optional signature; 8-byte sizes for zip64 entries) */
export function descriptor(bytes: Uint8Array, wide: boolean): Descriptor {
  const signed = u32(bytes, 0) === SIGNATURE.descriptor ? 4 : 0;
  const crc = u32(bytes, signed);
  if (wide) return { crc, compressedSize: u64(bytes, signed + 4), size: u64(bytes, signed + 12), length: signed + 20 };
  return { crc, compressedSize: u32(bytes, signed + 4), size: u32(bytes, signed + 8), length: signed + 12 };
}

/** the largest a data descriptor can be: signature, CRC and two 8-byte sizes */
export const MAX_DESCRIPTOR = 24;
