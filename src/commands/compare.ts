/**
 * `fedimpute compare <parent> [--html report.html]`: per service (and the combined set, after `combine`)
 * the variants imputed and the mean estimated R² by MAF bin, the overlap of their variant sets, and how well
 * they agree on shared variants. A table, `--json`, and a self-contained HTML report with plots.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { renderTable as render } from '../output/table.js';
import type { CompareReport } from '../compare/run.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

export interface CompareOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /** also write a self-contained HTML report here */
  html?: string;
}

export function compareOptions(raw: RawOptions, [parent]: string[]): CompareOptions {
  return { parent, html: text(raw, 'html') };
}

export const registerCompare: Registration = (program, register) => {
  const command = program
    .command('compare')
    .description('per service: variants and estimated R² by MAF, overlap, agreement on shared variants (and the combined set)')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--html <file>', 'also write a self-contained HTML report with plots');
  examples(command, [
    ['fedimpute compare last', "the newest job's services side by side (and the combined set, after combine)"],
    ['fedimpute compare 3f2a --html report.html', 'the same as a self-contained HTML report with plots'],
    ['fedimpute compare 3f2a --json', 'the comparison as JSON'],
  ]);
  command.action(register(compareOptions, async () => runCompare));
};

export async function runCompare(options: CompareOptions, context: Context): Promise<number> {
  const { compareParent } = await import('../compare/run.js');
  const report = await compareParent(context, options.parent);
  if (options.html) {
    const [{ renderHtml }, { chmod, writeFile }, { resolve }] = await Promise.all([import('../compare/html.js'), import('node:fs/promises'), import('node:path')]);
    const path = resolve(context.cwd, options.html);
    await writeFile(path, renderHtml(report, context.now()), { mode: 0o600 });
    await chmod(path, 0o600);
    context.info(`report: ${path}`);
  }
  if (context.globals.json) context.json(report);
  else print(context, report, (await import('../output/table.js')).renderTable);
  return EXIT.ok;
}

function print(context: Context, report: CompareReport, renderTable: typeof render): void {
  const value = (number: number | null) => (number === null ? '-' : number.toFixed(3));
  const rows = [...report.sources, ...(report.combined ? [report.combined] : [])].map((row) => [
    row.label,
    row.variants.toLocaleString('en-US'),
    value(row.mean_r2),
    ...row.r2_by_maf.map(value),
  ]);
  // the bins headed by their range alone ("R² " on each cut the source names at 80 columns): the line above says what they are
  const bins = report.maf_bins.map((bin) => ({ header: bin, align: 'right' as const, shrink: 'never' as const }));
  context.info('mean estimated R² per source, overall and by minor allele frequency');
  const table = { tty: context.tty, style: context.style, width: context.width };
  const name = { shrink: 'end' as const, min: 10 };
  context.out(renderTable([{ header: 'SOURCE', ...name }, { header: 'VARIANTS', align: 'right', shrink: 'never' }, { header: 'MEAN R²', align: 'right', shrink: 'never' }, ...bins], rows, table));
  // the combined set holds every source's variants, the rare ones only one panel carries among them: its overall
  // mean can sit below a source's while it is ahead in every bin (the sandbox's demo shows exactly that)
  if (report.combined && report.sources.every((source) => source.variants < report.combined!.variants))
    context.info("each mean is over that row's own variants, and the combined set holds all of them, rare ones included: compare the rows bin by bin");
  const overlap = Object.entries(report.overlap).map(([pattern, count]) => [pattern, count.toLocaleString('en-US')]);
  context.out(renderTable([{ header: 'CARRIED BY', ...name }, { header: 'VARIANTS', align: 'right', shrink: 'never' }], overlap, table));
  const agreement = report.agreement.map((pair) => [`${pair.a} · ${pair.b}`, pair.shared.toLocaleString('en-US'), value(pair.mean_dosage_r2)]);
  context.out(renderTable([{ header: 'PAIR', ...name }, { header: 'SHARED', align: 'right', shrink: 'never' }, { header: 'DOSAGE r²', align: 'right', shrink: 'never' }], agreement, table));
}
