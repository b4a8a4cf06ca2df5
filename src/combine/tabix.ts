/**
 * Where a region starts in a BGZF file, from its tabix index (FILE.tbi) when there is one, so `--region` on a
 * machine of a Slurm array reads its own slice instead of the whole chromosome before it. Only the linear
 * index is used: ioff[w] is the smallest virtual offset of a record overlapping the 16 kb window w
 * (tabix format: samtools hts-specs, "The tabix index format").
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { canonicalChromosome } from './header.js';
import type { Region } from './source.js';

export interface Seek {
  /** compressed offset of the BGZF block to start at */
  compressed: number;
  /** bytes of that block's inflated data to drop */
  skip: number;
}

const WINDOW_SHIFT = 14;

/** null without a usable index (none, older than the file, or not naming the chromosome): read from the start */
export async function tabixSeek(path: string, region: Region): Promise<Seek | null> {
  const index = `${path}.tbi`;
  const [file, indexStat] = await Promise.all([stat(path), stat(index).catch(() => null)]);
  if (!indexStat || indexStat.mtimeMs < file.mtimeMs) return null;
  let bytes: Buffer;
  try {
    bytes = gunzipSync(await readFile(index));
  } catch {
    return null;
  }
  const offsets = linearIndex(bytes, region.chromosome);
  if (!offsets || offsets.length === 0) return null;
  const window = Math.min(offsets.length - 1, Math.max(0, (region.start - 1) >> WINDOW_SHIFT));
  // offsets only grow along the file; empty windows hold 0, so the largest up to here is the safe start
  let virtual = 0n;
  for (let w = 0; w <= window; w++) if (offsets[w] > virtual) virtual = offsets[w];
  return { compressed: Number(virtual >> 16n), skip: Number(virtual & 0xffffn) };
}

/** the linear index (ioff) of `chromosome` (canonical name), or null when the index does not name it */
export function linearIndex(bytes: Buffer, chromosome: string): BigUint64Array | null {
  if (bytes.toString('latin1', 0, 4) !== 'TBI\u0001') return null;
  const references = bytes.readInt32LE(4);
  const namesLength = bytes.readInt32LE(32);
  const names = bytes.toString('latin1', 36, 36 + namesLength).split('\0').filter(Boolean);
  let at = 36 + namesLength;
  for (let reference = 0; reference < references; reference++) {
    const bins = bytes.readInt32LE(at);
    at += 4;
    for (let bin = 0; bin < bins; bin++) {
      const chunks = bytes.readInt32LE(at + 4);
      at += 8 + chunks * 16;
    }
    const intervals = bytes.readInt32LE(at);
    at += 4;
    if (canonicalChromosome(names[reference] ?? '') === chromosome) {
      const offsets = new BigUint64Array(intervals);
      for (let w = 0; w < intervals; w++) offsets[w] = bytes.readBigUInt64LE(at + 8 * w);
      return offsets;
    }
    at += 8 * intervals;
  }
  return null;
}
