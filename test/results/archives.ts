/**
 * Zip archives for the download tests, made in the test: by the real tools (Info-ZIP `zip -P`, 7-Zip, zip.js)
 * when they are installed, and by a tiny writer here for what no tool writes on purpose — wrong CRCs, lying
 * sizes, duplicate names, thousands of entries. The writer makes unencrypted archives only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export const hasTool = (tool: string): boolean => !spawnSync(tool, ['-h'], { stdio: 'ignore' }).error;

/** a gzip file that looks like a result: a compressible VCF-ish part and an incompressible part */
export function resultGzip(kilobytes = 256, seed = 1): Buffer {
  const text = Array.from({ length: kilobytes * 8 }, (_, index) => `chr20\t${index * 7 + seed}\t.\tA\tC\t.\tPASS\t.\tGT:DS\t0|1:1.000\n`).join('');
  return gzipSync(Buffer.concat([Buffer.from(text), randomBytes(kilobytes << 9)]));
}

export interface ToolArchive {
  tool: string;
  path: string;
}

/** the files (name → content) written to `dir` and zipped there by the command; returns the zip's path */
export function zipWith(dir: string, files: Record<string, Uint8Array>, command: string, args: (zip: string, names: string[]) => string[]): string {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const zip = join(dir, `${command}-${Math.random().toString(36).slice(2)}.zip`);
  execFileSync(command, args(zip, Object.keys(files)), { cwd: dir, stdio: 'ignore' });
  return zip;
}

export interface RawEntry {
  name: string;
  content: Uint8Array;
  deflate?: boolean;
  /** lie in the headers */
  crc?: number;
  size?: number;
  /** sizes and CRC after the data (bit 3), zero in the local header */
  descriptor?: boolean;
}

/** a plain (unencrypted) zip, exactly as the entries say, lies included */
export function rawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = entry.deflate ? deflateRawSync(entry.content) : Buffer.from(entry.content);
    const crc = entry.crc ?? crc32(entry.content);
    const size = entry.size ?? entry.content.length;
    const name = Buffer.from(entry.name);
    const flags = (entry.descriptor ? 8 : 0) | 0x800;
    const fields = (sizes: boolean) => {
      const header = Buffer.alloc(26);
      header.writeUInt16LE(20, 0);
      header.writeUInt16LE(flags, 2);
      header.writeUInt16LE(entry.deflate ? 8 : 0, 4);
      header.writeUInt32LE(sizes ? crc : 0, 10);
      header.writeUInt32LE(sizes ? data.length : 0, 14);
      header.writeUInt32LE(sizes ? size : 0, 18);
      header.writeUInt16LE(name.length, 22);
      return header;
    };
    const local = Buffer.concat([u32(0x04034b50), fields(!entry.descriptor), name]);
    const trailer = entry.descriptor ? Buffer.concat([u32(0x08074b50), u32(crc), u32(data.length), u32(size)]) : Buffer.alloc(0);
    const centralHeader = Buffer.alloc(46);
    u32(0x02014b50).copy(centralHeader, 0);
    centralHeader.writeUInt16LE(20, 4);
    fields(true).copy(centralHeader, 6, 0, 26);
    centralHeader.writeUInt32LE(offset, 42);
    central.push(centralHeader, name);
    parts.push(local, data, trailer);
    offset += local.length + data.length + trailer.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  u32(0x06054b50).copy(end, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0, 0);
  return bytes;
}

/** every copy of `entry`'s CRC-32 in the archive (local header, descriptor, central directory) changed */
export function corruptCrc(zip: Buffer, content: Uint8Array): Buffer {
  const right = u32(crc32(content));
  const wrong = u32((crc32(content) ^ 0x5a) >>> 0);
  const copy = Buffer.from(zip);
  let found = 0;
  for (let at = copy.indexOf(right); at >= 0; at = copy.indexOf(right, at + 4)) {
    wrong.copy(copy, at);
    found++;
  }
  if (found === 0) throw new Error('the CRC does not occur in the archive');
  return copy;
}

/** rename an entry in place (same length), e.g. to make two entries share a name */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  return Buffer.from(zip.toString('latin1').split(from).join(to), 'latin1');
}

export function readZip(path: string): Buffer {
  return readFileSync(path);
}
