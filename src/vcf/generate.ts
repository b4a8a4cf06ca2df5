/**
 * Deterministic synthetic VCFs: for tests, the benchmark and `fedimpute demo`. Records are built directly
 * into Buffers (no per-genotype strings), so hundreds of MB are quick to make; BGZF output can deflate on
 * the worker pool.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { BgzfWriter } from './bgzf-write.js';
import { contigLength } from './build.js';
import type { InflatePool } from './inflate-pool.js';
import { seededRandom } from '../domain/random.js';

export interface GenerateOptions {
  samples: number;
  /** bare names, e.g. ['20'] or ['1', '2', 'X'] */
  chromosomes: string[];
  recordsPerChromosome: number;
  /** `chr20` (hg38 style) instead of `20` (default false); ##contig lengths follow the same build */
  chrPrefix?: boolean;
  /** '|' or '/', or alternate per record (default true) */
  phased?: boolean | 'mixed';
  /** true = BGZF (default), 'gzip' = plain gzip, false or 'none' = text */
  bgzf?: boolean | 'gzip' | 'none';
  seed?: number;
  /** default S00001… */
  sampleIds?: string[];
  crlf?: boolean;
  /** deflate level (default 6; the benchmark uses 1) */
  level?: number;
  pool?: InflatePool;
}

export interface GenerateResult {
  path: string;
  records: number;
  /** uncompressed bytes */
  bytes: number;
}



export function headerText(options: GenerateOptions): string {
  const build = options.chrPrefix ? 'hg38' : 'hg19';
  const name = (chromosome: string) => (options.chrPrefix ? `chr${chromosome}` : chromosome);
  const ids = options.sampleIds ?? Array.from({ length: options.samples }, (_, index) => `S${String(index + 1).padStart(5, '0')}`);
  const lines = ['##fileformat=VCFv4.2', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'];
  for (const chromosome of options.chromosomes) {
    const length = contigLength(chromosome, build);
    lines.push(`##contig=<ID=${name(chromosome)}${length ? `,length=${length}` : ''}>`);
  }
  lines.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...ids].join('\t'));
  const newline = options.crlf ? '\r\n' : '\n';
  return lines.join(newline) + newline;
}

/** Calls `emit` with batches of record bytes (about 1 MiB each). */
export async function generateRecords(options: GenerateOptions, emit: (batch: Buffer) => Promise<void>): Promise<number> {
  const random = seededRandom(options.seed ?? 42);
  const bases = ['A', 'C', 'G', 'T'];
  const eol = options.crlf ? '\r\n' : '\n';
  const batch: Buffer[] = [];
  let batchBytes = 0;
  let records = 0;
  for (const chromosome of options.chromosomes) {
    let position = 10_000;
    for (let index = 0; index < options.recordsPerChromosome; index++) {
      position += 1 + Math.floor(random() * 2000);
      const refIndex = Math.floor(random() * 4);
      const ref = bases[refIndex];
      const alt = bases[(refIndex + 1 + Math.floor(random() * 3)) % 4];
      const separator = options.phased === false || (options.phased === 'mixed' && index % 2 === 1) ? '/' : '|';
      const prefix = `${options.chrPrefix ? 'chr' : ''}${chromosome}\t${position}\trs${records + 1}\t${ref}\t${alt}\t.\tPASS\t.\tGT\t`;
      const line = genotypeLine(prefix, options.samples, random() * 0.5, separator, eol, random);
      batch.push(line);
      batchBytes += line.length;
      records++;
      if (batchBytes >= 1 << 20) {
        await emit(Buffer.concat(batch, batchBytes));
        batch.length = 0;
        batchBytes = 0;
      }
    }
  }
  if (batchBytes > 0) await emit(Buffer.concat(batch, batchBytes));
  return records;
}

function genotypeLine(prefix: string, samples: number, frequency: number, separator: string, eol: string, random: () => number): Buffer {
  const line = Buffer.allocUnsafe(prefix.length + samples * 4 - 1 + eol.length);
  let at = line.write(prefix, 0, 'latin1');
  const sep = separator.charCodeAt(0);
  for (let sample = 0; sample < samples; sample++) {
    line[at] = random() < frequency ? 49 : 48;
    line[at + 1] = sep;
    line[at + 2] = random() < frequency ? 49 : 48;
    line[at + 3] = 9;
    at += 4;
  }
  line.write(eol, at - 1, 'latin1');
  return line;
}

/** Writes a VCF to `path` in the chosen compression. Deterministic for the same options. */
export async function generateVcf(path: string, options: GenerateOptions): Promise<GenerateResult> {
  const sink = await openSink(path, options);
  const header = Buffer.from(headerText(options));
  let bytes = header.length;
  await sink.write(header);
  const records = await generateRecords(options, async (batch) => {
    bytes += batch.length;
    await sink.write(batch);
  });
  await sink.close();
  return { path, records, bytes };
}

interface Sink {
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** a BGZF, gzip or plain-text writer with backpressure */
export async function openSink(path: string, options: Pick<GenerateOptions, 'bgzf' | 'level' | 'pool'>): Promise<Sink> {
  const mode = options.bgzf ?? true;
  if (mode === true) return BgzfWriter.create(path, { level: options.level, pool: options.pool });
  const file = createWriteStream(path);
  const stream = mode === 'gzip' ? createGzip({ level: options.level ?? 6 }) : file;
  if (stream !== file) stream.pipe(file);
  return {
    async write(data) {
      if (!stream.write(data)) await once(stream, 'drain');
    },
    async close() {
      stream.end();
      await once(file, 'close');
    },
  };
}

