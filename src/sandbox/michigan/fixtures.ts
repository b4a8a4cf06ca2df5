/**
 * Small synthetic VCF inputs (BGZF by default) for tests, demos and `fedimpute sandbox`; options produce the
 * mistakes the server rejects (plain gzip, two chromosomes, too few samples, no GT, REF==ALT, unphased).
 */
import { writeFile } from 'node:fs/promises';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface VcfFixtureOptions {
  /** 'hg19' → "20", 'hg38' → "chr20" unless `chromosome` is given as is */
  build?: 'hg19' | 'hg38';
  chromosome?: string;
  /** default 25 */
  samples?: number;
  samplePrefix?: string;
  /** default 40 */
  records?: number;
  phased?: boolean;
  compression?: 'bgzf' | 'gzip' | 'none';
  /** second chromosome after half the records */
  secondChromosome?: string;
  noGt?: boolean;
  refEqualsAlt?: boolean;
  seed?: number;
}

const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/** BGZF: gzip members of ≤64 KiB with the BC extra field carrying the block size. */
export function bgzf(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += 0xff00) {
    const input = data.subarray(offset, offset + 0xff00);
    const deflated = deflateRawSync(input);
    const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 66, 67, 2, 0, 0, 0]);
    header.writeUInt16LE(header.length + deflated.length + 8 - 1, 16);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(input), 0);
    trailer.writeUInt32LE(input.length, 4);
    blocks.push(header, deflated, trailer);
  }
  blocks.push(BGZF_EOF);
  return Buffer.concat(blocks);
}

export function vcfText(options: VcfFixtureOptions = {}): string {
  const build = options.build ?? 'hg19';
  const chromosome = options.chromosome ?? (build === 'hg38' ? 'chr20' : '20');
  const samples = Array.from({ length: options.samples ?? 25 }, (_, index) => `${options.samplePrefix ?? 'S'}${index + 1}`);
  const records = options.records ?? 40;
  let state = options.seed ?? 7;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const separator = options.phased === false ? '/' : '|';
  const lines = [
    '##fileformat=VCFv4.2',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    `##contig=<ID=${chromosome}>`,
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...samples].join('\t'),
  ];
  for (let index = 0; index < records; index++) {
    const here = options.secondChromosome && index >= records / 2 ? options.secondChromosome : chromosome;
    const alt = options.refEqualsAlt && index === 1 ? 'A' : 'G';
    const genotypes = samples.map(() => `${random() < 0.3 ? 1 : 0}${separator}${random() < 0.3 ? 1 : 0}`);
    lines.push([here, 60000 + index * 1000, '.', 'A', alt, '.', 'PASS', '.', options.noGt ? 'DS' : 'GT', ...genotypes].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the VCF to `path` and returns its size in bytes. */
export async function createVcf(path: string, options: VcfFixtureOptions = {}): Promise<number> {
  const text = Buffer.from(vcfText(options));
  const compression = options.compression ?? 'bgzf';
  const data = compression === 'bgzf' ? bgzf(text) : compression === 'gzip' ? gzipSync(text) : text;
  await writeFile(path, data);
  return data.length;
}
