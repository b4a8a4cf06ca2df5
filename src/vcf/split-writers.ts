/**
 * One BGZF writer per chromosome for `prepare`: files named `<base>.chr<N>.vcf.gz`, each starting with the
 * same header, records counted, positions required to be non-decreasing per chromosome (the only order the
 * output needs; blocks of one chromosome may be interleaved in the input).
 */
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from '../errors.js';
import { BgzfWriter } from './bgzf-write.js';
import { bareChromosome } from './build.js';
import type { InflatePool } from './inflate-pool.js';

export interface PreparedOutput {
  path: string;
  /** as written in the file (`chr20` for hg38, `20` for hg19) */
  chromosome: string;
  records: number;
}

interface Open {
  writer: BgzfWriter;
  output: PreparedOutput;
  lastPos: number;
}

/** `data.vcf.gz` → `data`, `study.bed` → `study` */
export function outputBase(inputPath: string): string {
  return basename(inputPath).replace(/(\.vcf)?(\.b?gz)?$|\.(bed|bim|fam|bgen|bcf)$/i, '') || 'input';
}

export class ChromosomeWriters {
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly input: string,
    private readonly outDir: string,
    private readonly header: string,
    private readonly pool?: InflatePool,
  ) {}

  /** Buffer one record line (with its newline) for `chromosome`. Throws InputError when positions go back. */
  append(chromosome: string, pos: number, line: Uint8Array | string): void {
    const entry = this.open.get(chromosome);
    if (!entry) throw new Error(`writer for ${chromosome} not opened; call ensure() first`);
    if (pos < entry.lastPos) {
      throw new InputError(`${this.input} is not sorted: ${chromosome}:${pos} comes after ${chromosome}:${entry.lastPos}`, {
        hint: 'sort it first: `bcftools sort -Oz -o sorted.vcf.gz input.vcf.gz`, then run prepare again',
      });
    }
    entry.lastPos = pos;
    entry.output.records++;
    entry.writer.append(line);
  }

  /** open (once) the file for a chromosome and write the header into it */
  async ensure(chromosome: string): Promise<void> {
    if (this.open.has(chromosome)) return;
    const path = join(this.outDir, `${outputBase(this.input)}.chr${bareChromosome(chromosome)}.vcf.gz`);
    const writer = await BgzfWriter.create(path, { pool: this.pool });
    writer.append(this.header);
    this.open.set(chromosome, { writer, output: { path, chromosome, records: 0 }, lastPos: 0 });
  }

  has(chromosome: string): boolean {
    return this.open.has(chromosome);
  }

  /** compress what is buffered (after each input chunk) */
  async drain(): Promise<void> {
    for (const entry of this.open.values()) await entry.writer.drain();
  }

  async close(): Promise<PreparedOutput[]> {
    for (const entry of this.open.values()) await entry.writer.close();
    return [...this.open.values()].map((entry) => entry.output);
  }

  /** after an error: close and delete the partial outputs */
  async abort(): Promise<void> {
    for (const entry of this.open.values()) {
      await entry.writer.abort();
      await rm(entry.output.path, { force: true });
    }
  }
}
