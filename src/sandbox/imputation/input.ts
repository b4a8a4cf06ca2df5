/**
 * Reading a submitted VCF (BGZF, gzip or plain text) line by line, as the imputation servers do: the
 * header's sample ids, then records. Genotypes are split only where they are needed.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface InputRecord {
  /** 0-based ordinal among the file's records */
  ordinal: number;
  chromosome: string;
  position: number;
  id: string;
  ref: string;
  alt: string;
  /** the whole line (genotypes from column 10) */
  line: string;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/** Calls `onHeader` with the sample ids, then `onRecord` for every record, in file order. */
export async function readVcf(path: string, onHeader: (samples: string[]) => void, onRecord: (record: InputRecord) => void | Promise<void>): Promise<void> {
  const gzipped = await isGzip(path);
  const file = createReadStream(path);
  const source: Readable = gzipped ? file.pipe(createGunzip()) : file;
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  // pipe() does not pass errors on: a vanished file or a corrupt gzip ends the reading and is thrown below
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
    lines.close();
  };
  file.on('error', fail);
  if (source !== file) source.on('error', fail);
  let ordinal = 0;
  try {
    for await (const line of lines) {
      if (line.startsWith('##') || line === '') continue;
      if (line.startsWith('#')) {
        onHeader(line.split('\t').slice(9));
        continue;
      }
      const tabs = tabPositions(line, 5);
      await onRecord({
        ordinal: ordinal++, line,
        chromosome: line.slice(0, tabs[0]),
        position: Number(line.slice(tabs[0] + 1, tabs[1])),
        id: line.slice(tabs[1] + 1, tabs[2]),
        ref: line.slice(tabs[2] + 1, tabs[3]),
        alt: line.slice(tabs[3] + 1, tabs[4]),
      });
    }
  } finally {
    lines.close();
    file.destroy();
  }
  if (failure) throw failure;
}

function tabPositions(line: string, count: number): number[] {
  const positions: number[] = [];
  for (let at = line.indexOf('\t'); at >= 0 && positions.length < count; at = line.indexOf('\t', at + 1)) positions.push(at);
  while (positions.length < count) positions.push(line.length);
  return positions;
}

/** '0' → 0, '1' → 1, anything else (missing '.', other ALT numbers) → -1 */
const ALLELE = (code: number): number => (code === 48 ? 0 : code === 49 ? 1 : -1);

/**
 * The two alleles of every sample of a record, in column order: `visit(sample, first, second)` with -1 for
 * a missing allele. A haploid call ('0') gives its allele and -1 (the second haplotype is unknown).
 */
export function forEachGenotype(line: string, visit: (sample: number, first: number, second: number) => void): void {
  let at = 0;
  for (let column = 0; column < 9; column++) at = line.indexOf('\t', at) + 1;
  if (at === 0) return;
  for (let sample = 0; at > 0 && at <= line.length; sample++) {
    const first = ALLELE(line.charCodeAt(at));
    const separator = line.charCodeAt(at + 1);
    const diploid = separator === 124 || separator === 47; // '|' or '/'
    visit(sample, first, diploid ? ALLELE(line.charCodeAt(at + 2)) : -1);
    const next = line.indexOf('\t', at);
    at = next < 0 ? -1 : next + 1;
  }
}
