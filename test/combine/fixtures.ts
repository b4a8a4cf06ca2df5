/** Hand-made imputed VCFs (Minimac4 and Beagle shapes) and the in-process session combine's tests run commands in. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { BGZF_EOF, bgzfBlocksSync } from '../../src/vcf/bgzf-write.js';
import { session, type Session } from '../helpers/harness.js';

export interface Row {
  chrom: string;
  pos: number;
  ref?: string;
  alt?: string;
  info?: string;
  /** per sample [hds1, hds2] (Minimac) */
  hds: [number, number][];
}

export interface FileOptions {
  samples: string[];
  rows: Row[];
  /** 'HDS' (dose file, GT:DS:HDS), 'LDS' (empirical file, GT:LDS with GT from `observed`), 'DS' (Beagle, GT:DS) */
  field?: 'HDS' | 'LDS' | 'DS';
  /** empirical files: the observed alleles per row and sample */
  observed?: [number, number][][];
  header?: string[];
}

export function vcfText(options: FileOptions): string {
  const field = options.field ?? 'HDS';
  const lines = [
    '##fileformat=VCFv4.2',
    '##source=Minimac v4.1.2',
    ...(options.header ?? []),
    '##INFO=<ID=R2,Number=1,Type=Float,Description="r2">',
    ...(field === 'DS' ? [] : ['##INFO=<ID=TYPED,Number=0,Type=Flag,Description="typed">']),
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...options.samples].join('\t'),
  ];
  options.rows.forEach((row, index) => {
    const cells = row.hds.map(([a, b], sample) => {
      const gt = options.observed ? options.observed[index][sample] : [a > 0.5 ? 1 : 0, b > 0.5 ? 1 : 0];
      if (field === 'LDS') return `${gt[0]}|${gt[1]}:${a},${b}`;
      if (field === 'DS') return `${gt[0]}|${gt[1]}:${Number((a + b).toFixed(3))}`;
      return `${gt[0]}|${gt[1]}:${Number((a + b).toFixed(3))}:${a},${b}`;
    });
    const format = field === 'LDS' ? 'GT:LDS' : field === 'DS' ? 'GT:DS' : 'GT:DS:HDS';
    lines.push([row.chrom, row.pos, '.', row.ref ?? 'A', row.alt ?? 'G', '.', 'PASS', row.info ?? 'R2=0.9', format, ...cells].join('\t'));
  });
  return `${lines.join('\n')}\n`;
}

export function writeVcf(path: string, options: FileOptions): string {
  return writeVcfText(path, vcfText(options));
}

/** BGZF, as bgzip writes it */
export function writeVcfText(path: string, text: string): string {
  writeFileSync(path, Buffer.concat([bgzfBlocksSync(Buffer.from(text)), BGZF_EOF]));
  return path;
}

/** commands run in `dir`, in this process (test/helpers/harness.ts), on this store when given */
export function combineSession(dir: string, db?: string, env: Record<string, string> = {}): Session {
  return session({ cwd: dir, env: { ...(db ? { FEDIMPUTE_DB: db } : {}), ...env } });
}

/** the records of a (BGZF) VCF as columns, for checking outputs */
export async function readRecords(path: string): Promise<{ header: string[]; records: string[][] }> {
  const { gunzipSync } = await import('node:zlib');
  const { readFileSync } = await import('node:fs');
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trimEnd().split('\n');
  return { header: lines.filter((line) => line.startsWith('#')), records: lines.filter((line) => !line.startsWith('#')).map((line) => line.split('\t')) };
}

/** INFO as a map, FORMAT HDS per sample as numbers */
export function infoOf(record: string[]): Map<string, string> {
  return new Map(record[7].split(';').map((entry) => [entry.split('=')[0], entry.split('=')[1] ?? '']));
}

export function hdsOf(record: string[]): number[][] {
  const index = record[8].split(':').indexOf('HDS');
  return record.slice(9).map((cell) => cell.split(':')[index].split(',').map(Number));
}

export function hasTool(tool: string, probe = '--version'): boolean {
  return spawnSync(tool, [probe], { stdio: 'ignore' }).error === undefined;
}
