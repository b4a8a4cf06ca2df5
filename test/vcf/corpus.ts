/** Small VCFs for the checker tests: generated text, edited where a test needs a fault, then compressed. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BGZF_EOF, bgzfBlocksSync } from '../../src/vcf/bgzf-write.js';
import { generateRecords, headerText, type GenerateOptions } from '../../src/vcf/generate.js';

export type Packing = 'bgzf' | 'gzip' | 'none';

export const BASE: GenerateOptions = { samples: 25, chromosomes: ['20'], recordsPerChromosome: 50, seed: 7 };

export async function vcfText(options: Partial<GenerateOptions> = {}): Promise<string> {
  const merged = { ...BASE, ...options };
  const parts: Buffer[] = [];
  await generateRecords(merged, async (batch) => void parts.push(batch));
  return headerText(merged) + Buffer.concat(parts).toString('latin1');
}

export function pack(text: string | Buffer, packing: Packing): Buffer {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  if (packing === 'bgzf') return Buffer.concat([bgzfBlocksSync(bytes), BGZF_EOF]);
  return packing === 'gzip' ? gzipSync(bytes) : bytes;
}

/** edit data lines (not header lines) by index */
export function editRecords(text: string, edit: (fields: string[], index: number) => string[] | null): string {
  let index = 0;
  return text
    .split('\n')
    .flatMap((line) => {
      if (line === '' || line.startsWith('#')) return [line];
      const edited = edit(line.split('\t'), index++);
      return edited === null ? [] : [edited.join('\t')];
    })
    .join('\n');
}

export class Corpus {
  readonly dir = mkdtempSync(join(tmpdir(), 'fedimpute-vcf-'));

  write(name: string, content: string | Buffer, packing: Packing = 'bgzf'): string {
    const path = join(this.dir, name);
    writeFileSync(path, pack(content, packing));
    return path;
  }

  raw(name: string, bytes: Buffer): string {
    const path = join(this.dir, name);
    writeFileSync(path, bytes);
    return path;
  }

  async vcf(name: string, options: Partial<GenerateOptions> = {}, packing: Packing = 'bgzf'): Promise<string> {
    return this.write(name, await vcfText(options), packing);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** a PLINK 1 fileset; genotypes[variant][sample] are the 2-bit .bed codes */
export function writeFileset(base: string, fam: string[], bim: string[], genotypes: number[][], magic = [0x6c, 0x1b, 0x01]): void {
  writeFileSync(`${base}.fam`, fam.join('\n') + '\n');
  writeFileSync(`${base}.bim`, bim.join('\n') + '\n');
  const bytesPerVariant = Math.ceil(fam.length / 4);
  const bed = Buffer.alloc(3 + genotypes.length * bytesPerVariant);
  bed.set(magic);
  genotypes.forEach((codes, variant) => codes.forEach((code, sample) => (bed[3 + variant * bytesPerVariant + (sample >> 2)] |= code << (2 * (sample & 3)))));
  writeFileSync(`${base}.bed`, bed);
}
