/** --region: only the slice asked for, read from the tabix index's offset when there is an index. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCombine } from '../../src/commands/combine.js';
import { tabixSeek } from '../../src/combine/tabix.js';
import { combineSession, hasTool, readRecords, writeVcf, type Row } from './fixtures.js';

const SAMPLES = ['S1', 'S2', 'S3'];
let dir: string;
const rows = (offset: number): Row[] =>
  Array.from({ length: 20_000 }, (_, index) => ({ chrom: 'chr20', pos: 1000 + index * 100, info: `R2=0.${(index + offset) % 10}`, hds: [[((index * 7) % 1000) / 1000, 0.5], [0, 1], [0.25, 0.125]] }));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fedimpute-region-'));
  writeVcf(join(dir, 'a.dose.vcf.gz'), { samples: SAMPLES, rows: rows(0) });
  writeVcf(join(dir, 'b.dose.vcf.gz'), { samples: SAMPLES, rows: rows(3).filter((_, index) => index % 3 !== 0) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function combine(out: string) {
  expect((await combineSession(dir).call(runCombine, { from: ['a', 'b'], out, region: 'chr20:1,500,001-1,600,000' })).code).toBe(0);
  return (await readRecords(join(dir, out))).records;
}

describe('--region', () => {
  it('writes exactly the variants inside the region', async () => {
    const records = await combine('plain.vcf.gz');
    expect(records.map((record) => Number(record[1]))).toEqual(Array.from({ length: 1000 }, (_, index) => 1_500_100 + index * 100));
  });

  it.skipIf(!hasTool('tabix', '--help'))('with a tabix index: starts reading at the region, same output', async () => {
    for (const name of ['a', 'b']) execFileSync('tabix', ['-f', '-p', 'vcf', join(dir, `${name}.dose.vcf.gz`)]);
    const seek = await tabixSeek(join(dir, 'a.dose.vcf.gz'), { chromosome: '20', start: 1_500_001, end: 1_600_000 });
    // far into the file: the blocks before the region are never read
    expect(seek!.compressed).toBeGreaterThan(100_000);
    expect(await combine('indexed.vcf.gz')).toEqual(await combine('plain.vcf.gz'));
    // an index older than its file is not trusted
    utimesSync(join(dir, 'a.dose.vcf.gz.tbi'), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(await tabixSeek(join(dir, 'a.dose.vcf.gz'), { chromosome: '20', start: 1_500_001, end: 1_600_000 })).toBeNull();
  });
});
