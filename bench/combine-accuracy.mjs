// bench/combine's accuracy half, on the sandbox's simulated world (issue 13): a study typed on a chip, imputed
// by the sandbox's engine against panel A, panel B (two populations that split long ago) and both pooled; then
// `fedimpute combine` of A and B with best-r2 and with meta. Mean r² against the truth by MAF bin, where a
// variant a result does not carry counts as r² 0 (so a panel is not rewarded for imputing fewer variants),
// and the same over the variants each result carries.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function measureAccuracy(dist, dir, runCombine) {
  const module = join(dist, 'sandbox', 'simulation.js');
  if (!existsSync(module)) {
    console.log('accuracy: skipped (the sandbox simulator of issue 13 is not in this build)');
    return null;
  }
  const sim = await import(pathToFileURL(module).href);
  const seed = Number(process.env.BENCH_COMBINE_SEED ?? sim.DEFAULT_WORLD.seed);
  const started = performance.now();
  const run = await sim.simulateStudy({ dir, spec: { ...sim.DEFAULT_WORLD, seed }, cacheDir: join(dir, 'cache') });
  console.log(`world (seed ${seed}) simulated and imputed three times in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const prefix = (panel) => run.imputed[panel].dose.replace(/\.dose\.vcf\.gz$/, '');
  const combined = {};
  for (const method of ['best-r2', 'meta']) {
    combined[method] = join(dir, `${method}.vcf.gz`);
    runCombine(['combine', '--from', prefix('A'), '--from', prefix('B'), '--method', method, '--out', combined[method], '-q']);
  }
  const truth = await sim.loadTruth(run.truth, run.study);
  const rows = { 'panel A': run.imputed.A.dose, 'panel B': run.imputed.B.dose, 'best-r2': combined['best-r2'], meta: combined.meta, pooled: run.imputed.pooled.dose };
  const table = {};
  for (const [name, file] of Object.entries(rows)) table[name] = await sim.score(truth, file);
  const labels = sim.MAF_BINS.map((bin) => bin.label);
  // r² with missing variants as 0: meanR2 · imputed / variants; overall: weighted by the bins' variant counts
  const counted = (bins) => bins.map((bin) => (bin.variants > 0 ? (bin.meanR2 * bin.imputed) / bin.variants : 0));
  const overall = (bins) => bins.reduce((sum, bin) => sum + bin.meanR2 * bin.imputed, 0) / bins.reduce((sum, bin) => sum + bin.variants, 0);
  console.log(`\nmean r² against the truth (missing = 0), by MAF bin; untyped variants polymorphic in the study (${table.pooled.map((bin) => bin.variants).join(' / ')})`);
  console.log(['result', ...labels, 'overall'].map((cell) => cell.padEnd(10)).join(''));
  for (const [name, bins] of Object.entries(table)) console.log([name, ...counted(bins).map((value) => value.toFixed(3)), overall(bins).toFixed(3)].map((cell) => String(cell).padEnd(10)).join(''));
  console.log('\nthe same over the variants each result carries (coverage in brackets)');
  for (const [name, bins] of Object.entries(table)) console.log([name, ...bins.map((bin) => `${bin.meanR2.toFixed(3)} (${bin.variants ? Math.round((100 * bin.imputed) / bin.variants) : 0}%)`)].map((cell) => String(cell).padEnd(16)).join(''));
  // the table again as markdown, for bench/README.md (bench/run.mjs collects DETAILS lines)
  console.log(`DETAILS Mean r² against the truth by MAF bin on the sandbox's simulated study (world seed ${seed}: panels of 2,000 haplotypes from two populations split 2,000 generations ago, 250 admixed samples, 2 Mb); a variant a result lacks counts as r² 0.`);
  console.log('DETAILS');
  console.log(`DETAILS | result | ${labels.join(' | ')} | overall |`);
  console.log(`DETAILS |---|${labels.map(() => '---').join('|')}|---|`);
  for (const [name, bins] of Object.entries(table)) console.log(`DETAILS | ${name} | ${counted(bins).map((value) => value.toFixed(3)).join(' | ')} | ${overall(bins).toFixed(3)} |`);
  const meta = counted(table.meta);
  const singles = [counted(table['panel A']), counted(table['panel B'])];
  const beatsEveryPanel = meta.every((value, bin) => table.pooled[bin].variants === 0 || singles.every((single) => value > single[bin]));
  const gap = overall(table.pooled) - overall(table.meta);
  console.log(`\nmeta beats each panel in every bin: ${beatsEveryPanel}; pooled − meta overall: ${gap.toFixed(3)} (goal ≤ 0.02)`);
  const round = (value) => Number(value.toFixed(3));
  return {
    r2_panel_a: round(overall(table['panel A'])),
    r2_panel_b: round(overall(table['panel B'])),
    r2_best_r2: round(overall(table['best-r2'])),
    r2_meta: round(overall(table.meta)),
    r2_pooled: round(overall(table.pooled)),
    meta_beats_panels_every_bin: beatsEveryPanel,
    pooled_minus_meta: round(gap),
    accuracy_goal: 'meta > each panel in every bin; pooled − meta ≤ 0.02',
  };
}
