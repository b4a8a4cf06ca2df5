/**
 * `compare <parent>`: read every completed child's results (and the combined files, after `combine`) once,
 * chromosome by chromosome, aligned as combine aligns them, and measure each source and each pair of sources.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { Aligner } from '../combine/align.js';
import { compareChromosomes } from '../combine/header.js';
import { exists } from '../combine/plan.js';
import { combinedFolder, parentResults, type ChildResults } from '../combine/plan-parent.js';
import { sampleMapping, SourceCursor } from '../combine/source.js';
import type { CombineSummary } from '../combine/summary.js';
import { createInflatePool, type InflatePool } from '../vcf/inflate-pool.js';
import { AccuracyByMaf, Agreement, MAF_LABELS } from './stats.js';

type Accuracy = ReturnType<AccuracyByMaf['result']>;

export interface CompareReport {
  parent_job_id: string;
  samples: number;
  maf_bins: readonly string[];
  sources: ({ label: string; service_slug: string | null; panel_id: number | null } & Accuracy)[];
  combined: ({ label: 'combined'; method: string; files: string[] } & Accuracy) | null;
  overlap: Record<string, number>;
  agreement: ({ a: string; b: string } & ReturnType<Agreement['result']>)[];
}

export async function compareParent(context: Context, reference: string): Promise<CompareReport> {
  const pool = createInflatePool();
  try {
    const { parent, results } = await parentResults(context, reference, pool, 'compare');
    const accuracy = results.map(() => new AccuracyByMaf());
    const pairs = results.flatMap((_, a) => results.slice(a + 1).map((__, offset) => ({ a, b: a + 1 + offset, agreement: new Agreement() })));
    const overlap = new Map<number, number>();
    let samples = 0;
    const chromosomes = [...new Set(results.flatMap((result) => [...result.files.keys()]))].sort(compareChromosomes);
    for (const chromosome of chromosomes) {
      samples = await measureChromosome(results, chromosome, pool, { accuracy, pairs, overlap });
      if (context.signal.aborted) break;
    }
    const names = (pattern: number) => results.filter((_, index) => pattern & (1 << index)).map((result) => result.label).join('+');
    return {
      parent_job_id: parent.id,
      samples,
      maf_bins: MAF_LABELS,
      sources: results.map((result, index) => ({ label: result.label, service_slug: result.child.service_slug, panel_id: result.child.reference_panel_id, ...accuracy[index].result() })),
      combined: await measureCombined(combinedFolder(results), pool),
      overlap: Object.fromEntries([...overlap].sort(([a], [b]) => a - b).map(([pattern, count]) => [names(pattern), count])),
      agreement: pairs.map((pair) => ({ a: results[pair.a].label, b: results[pair.b].label, ...pair.agreement.result() })),
    };
  } finally {
    await pool.close();
  }
}

interface Tallies {
  accuracy: AccuracyByMaf[];
  pairs: { a: number; b: number; agreement: Agreement }[];
  overlap: Map<number, number>;
}

/** one chromosome of every result that has it; returns the number of samples */
async function measureChromosome(results: ChildResults[], chromosome: string, pool: InflatePool, tallies: Tallies): Promise<number> {
  const taking = results.flatMap((result, index) => (result.files.has(chromosome) ? [index] : []));
  const cursors = await Promise.all(taking.map((index) => SourceCursor.open(results[index].files.get(chromosome)!.dose, pool, null)));
  try {
    const samples = cursors[0].header.samples;
    cursors.forEach((cursor) => cursor.configure(sampleMapping(samples, cursor.header, results[taking[0]].label), 'HDS'));
    const aligner = new Aligner(cursors, 2 * samples.length);
    for (let group = await aligner.next(); group; group = await aligner.next()) {
      for (const variant of group.variants) {
        let pattern = 0;
        variant.records.forEach((record, slot) => {
          if (!record) return;
          pattern |= 1 << taking[slot];
          tallies.accuracy[taking[slot]].add(record);
        });
        tallies.overlap.set(pattern, (tallies.overlap.get(pattern) ?? 0) + 1);
        for (const pair of tallies.pairs) {
          const left = variant.records[taking.indexOf(pair.a)];
          const right = variant.records[taking.indexOf(pair.b)];
          if (left && right) pair.agreement.add(left.hds, right.hds);
        }
      }
    }
    return samples.length;
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
}

/** the combined files listed in combined/combine.json, measured like a source; null before `combine` */
async function measureCombined(folder: string, pool: InflatePool): Promise<CompareReport['combined']> {
  const summaryPath = join(folder, 'combine.json');
  if (!(await exists(summaryPath))) return null;
  const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as CombineSummary;
  const files = summary.outputs.map((output) => output.path);
  const accuracy = new AccuracyByMaf();
  for (const file of files) {
    if (!(await exists(file))) continue;
    const cursor = await SourceCursor.open(file, pool, null);
    try {
      cursor.configure(Int32Array.from(cursor.header.samples, (_, index) => index), 'HDS');
      const aligner = new Aligner([cursor], 2 * cursor.header.samples.length);
      for (let group = await aligner.next(); group; group = await aligner.next()) for (const variant of group.variants) accuracy.add(variant.records[0]!);
    } finally {
      await cursor.close();
    }
  }
  return { label: 'combined', method: summary.method, files, ...accuracy.result() };
}
