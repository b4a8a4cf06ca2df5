/**
 * `prepareVcf`: turn one input into what the servers accept — one BGZF VCF per chromosome, chromosome names
 * (records and ##contig lines) in the build's style. Streaming; one open writer per chromosome. Input that
 * needs more than renaming and splitting (unsorted positions, duplicate sample ids, not a VCF) is refused
 * with an InputError that says why and what to do.
 */
import { mkdir, open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Build } from '../registry/types.js';
import { DecompressError, detectCompression, readDecompressed } from './bgzf.js';
import { chromosomeForBuild, isSupportedChromosome } from './build.js';
import { createInflatePool, type InflatePool } from './inflate-pool.js';
import { preparePlink, type PlinkOptions } from './plink.js';
import { LineSplitter } from './scan.js';
import { ChromosomeWriters, type PreparedOutput } from './split-writers.js';
import { VcfRewriter } from './vcf-rewrite.js';

export type InputFormat = 'vcf' | 'plink' | 'bgen';

export interface PrepareOptions extends PlinkOptions {
  build: Build;
  outDir: string;
  /** default: from the extension (.bed/.bim/.fam → plink, .bgen → bgen, else vcf) */
  format?: InputFormat;
  threads?: number;
}

export interface PrepareResult {
  outputs: PreparedOutput[];
  warnings: string[];
}

export type { PreparedOutput };

export function formatFromPath(path: string): InputFormat {
  if (/\.(bed|bim|fam)$/i.test(path)) return 'plink';
  return /\.bgen$/i.test(path) ? 'bgen' : 'vcf';
}

export async function prepareVcf(path: string, options: PrepareOptions): Promise<PrepareResult> {
  const format = options.format ?? formatFromPath(path);
  if (format === 'bgen') {
    throw new InputError(`${path}: BGEN input is not supported yet; convert it to VCF with \`plink2 --bgen ${path} ref-first --export vcf bgz\``, {
      hint: 'then run `fedimpute prepare` on the .vcf.gz',
    });
  }
  await mkdir(options.outDir, { recursive: true });
  if (format === 'plink') return preparePlink(path, options);
  const pool = createInflatePool(options.threads);
  try {
    return await prepareFromVcf(path, options, pool);
  } finally {
    await pool.close();
  }
}

async function prepareFromVcf(path: string, options: PrepareOptions, pool: InflatePool): Promise<PrepareResult> {
  const compression = detectCompression(await readHead(path));
  if (compression === 'unknown') throw new InputError(`${path} is not a VCF file`, { hint: 'give a .vcf, .vcf.gz, or a PLINK .bed' });
  const rewriter = new VcfRewriter(path, options.build);
  let writers: ChromosomeWriters | null = null;
  const splitter = new LineSplitter((buffer, start, end) => rewriter.line(buffer, start, end));
  try {
    for await (const chunk of readDecompressed(path, compression, { pool })) {
      splitter.push(chunk);
      writers ??= await startWriters(path, options, rewriter, pool);
      if (writers) await flushRecords(writers, rewriter);
    }
    splitter.end();
    writers ??= await startWriters(path, options, rewriter, pool);
    if (!writers) throw new InputError(`${path} has no #CHROM header line`, { hint: 'export the VCF again with its full header' });
    await flushRecords(writers, rewriter);
    const outputs = await writers.close();
    return { outputs, warnings: rewriter.warnings(splitter.crlfLines) };
  } catch (error) {
    await writers?.abort();
    if (error instanceof DecompressError) throw new InputError(`${path}: ${error.message}`, { hint: 'copy or download the file again' });
    throw error;
  }
}

/** once the header is complete: open the writers' factory (files are created per chromosome on demand) */
async function startWriters(path: string, options: PrepareOptions, rewriter: VcfRewriter, pool: InflatePool): Promise<ChromosomeWriters | null> {
  if (!rewriter.headerDone) return null;
  return new ChromosomeWriters(path, options.outDir, rewriter.header(), pool);
}

async function flushRecords(writers: ChromosomeWriters, rewriter: VcfRewriter): Promise<void> {
  for (const record of rewriter.takeRecords()) {
    if (!isSupportedChromosome(record.chromosome)) {
      rewriter.skipped(record.chromosome);
      continue;
    }
    const name = chromosomeForBuild(record.chromosome, rewriter.build);
    await writers.ensure(name);
    writers.append(name, record.pos, record.line);
  }
  await writers.drain();
}

async function readHead(path: string): Promise<Buffer> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, 64, 0);
      if (bytesRead === 0) throw new InputError(`${path} is empty`, { hint: 'export the VCF again' });
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { hint: 'check the path and try again', cause: error });
  }
}
