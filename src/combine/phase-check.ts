/**
 * Before meta-imputing: do the results share their haplotypes? Reads the first typed sites of each empirical
 * file (a few hundred, a fraction of a second) and compares the phase of heterozygous genotypes.
 */
import type { InflatePool } from '../vcf/inflate-pool.js';
import { Aligner } from './align.js';
import { sampleMapping, SourceCursor } from './source.js';
import type { JobSource } from './types.js';
import { comparePhase } from './weights.js';

export async function samplePhase(sources: JobSource[], pool: InflatePool, sites = 400): Promise<{ phaseChecks: number; phaseConflicts: number }> {
  const counts = { phaseChecks: 0, phaseConflicts: 0 };
  const cursors = await Promise.all(sources.map((source) => SourceCursor.open(source.empirical!, pool, null)));
  try {
    const samples = cursors[0].header.samples;
    cursors.forEach((cursor) => cursor.configure(sampleMapping(samples, cursor.header, sources[0].label), 'LDS'));
    const aligner = new Aligner(cursors, 2 * samples.length, true);
    let seen = 0;
    for (let group = await aligner.next(); group && seen < sites; group = await aligner.next()) {
      for (const variant of group.variants) {
        if (variant.records.some((record) => !record)) continue;
        const first = variant.records[0]!.alleles!;
        for (let index = 1; index < variant.records.length; index++) comparePhase(first, variant.records[index]!.alleles!, counts);
        seen++;
      }
    }
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
  return counts;
}
