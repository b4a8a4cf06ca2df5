/**
 * `fedimpute combine <parent>` / `combine --from PREFIX --from PREFIX --out FILE.vcf.gz`: one meta-imputed
 * (or best-R²) VCF per chromosome from every service's results, and combine.json beside it.
 * Exit 0 when written, 2 for inputs that cannot be combined (each says why and how to fix it).
 */
import type { CombineRequest } from '../combine/run.js';
import type { CombineSummary } from '../combine/summary.js';
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { shownPath } from '../output/format.js';
import type { renderTable } from '../output/table.js';
import { count, examples, positiveInteger, text, type RawOptions, type Registration } from './options.js';

type RenderTable = typeof renderTable;
type ShownPath = typeof shownPath;

/** a parent (id, unique prefix or `last`) or --from prefixes; the rest as `combine` takes them */
export type CombineOptions = CombineRequest;

export function combineOptions(raw: RawOptions, [parent]: string[]): CombineOptions {
  const from = Array.isArray(raw.from) ? raw.from.filter((value): value is string => typeof value === 'string') : [];
  return {
    parent,
    from,
    out: text(raw, 'out'),
    method: text(raw, 'method'),
    absent: text(raw, 'absent'),
    region: text(raw, 'region'),
    threads: count(raw, 'threads'),
  };
}

export const registerCombine: Registration = (program, register) => {
  const command = program
    .command('combine')
    .description('one meta-imputed VCF per chromosome from every service\'s results (best-R² when meta is impossible)')
    .argument('[parent]', 'parent id, unique prefix (≥4) or `last` (or use --from)')
    .option('--from <prefix>', 'PREFIX.dose.vcf.gz (+ PREFIX.empiricalDose.vcf.gz) of results from elsewhere; repeat for each', (value: string, previous: string[]) => [...previous, value], [])
    .option('--out <path>', 'output folder (default: combined/ in the parent\'s results folder); with --from, the FILE.vcf.gz')
    .option('--method <method>', 'meta (default when every result has leave-one-out dosages) or best-r2')
    .option('--absent <rule>', 'a variant a panel lacks: fixed (its majority allele elsewhere; default without an R² filter), zero (REF) or renormalize')
    .option('--region <region>', 'only CHR:START-END (1-based), e.g. to split a chromosome across machines')
    .addOption(program.createOption('--threads <n>', 'chromosomes and compression threads at once (default: the cores)').argParser(positiveInteger('--threads')));
  examples(command, [
    ['fedimpute combine last', "the newest job's downloaded results, meta-imputed into one VCF per chromosome"],
    ['fedimpute combine 3f2a --method best-r2 --region chr20:1-10000000', 'best-R² per variant, one slice of a chromosome'],
    ['fedimpute combine --from h3africa/chr20 --from ilifu/chr20 --out meta.vcf.gz', 'results from elsewhere, by prefix'],
  ]);
  command.action(register(combineOptions, async () => runCombine));
};

export async function runCombine(options: CombineOptions, context: Context): Promise<number> {
  const { combine } = await import('../combine/run.js');
  const { summary, summaryPath } = await combine(context, options);
  if (context.globals.json) context.json(summary);
  else print(context, summary, summaryPath, (await import('../output/table.js')).renderTable, (await import('../output/format.js')).shownPath);
  return EXIT.ok;
}

function print(context: Context, summary: CombineSummary, summaryPath: string, renderTable: RenderTable, shownPath: ShownPath): void {
  const number = (value: number) => value.toLocaleString('en-US');
  // a terminal shows paths from the current folder; a pipe gets them whole
  const path = (tty: boolean, value: string) => (tty ? shownPath(value, context.cwd) : value);
  const outputs = summary.outputs.map((output) => [output.chromosomes.join(',') || '-', number(output.variants), number(output.typed), path(context.tty, output.path)]);
  const table = { tty: context.tty, style: context.style, width: context.width };
  context.out(renderTable([{ header: 'CHROMOSOME', shrink: 'end', min: 6 }, { header: 'VARIANTS', align: 'right', shrink: 'never' }, { header: 'TYPED', align: 'right', shrink: 'never' }, { header: 'FILE', shrink: 'middle', priority: 1, min: 16 }], outputs, table));
  const meta = summary.method === 'meta';
  const sources = summary.sources.map((source) => [
    source.label,
    number(source.variants),
    number(source.only),
    meta ? weightText(source.weight) : number(source.chosen),
    source.flipped > 0 || source.multiallelic_skipped > 0 ? `${number(source.flipped)} flipped, ${number(source.multiallelic_skipped)} multi-allelic skipped` : '',
  ]);
  const fourth = meta ? 'WEIGHT mean (5–95 %)' : 'CHOSEN';
  context.out(
    renderTable(
      [{ header: 'SOURCE', shrink: 'middle', priority: 1, min: 12 }, { header: 'VARIANTS', align: 'right', shrink: 'never' }, { header: 'ONLY HERE', align: 'right', shrink: 'never' }, { header: fourth, shrink: 'never' }, { header: 'NOTE', shrink: 'end', optional: true }],
      sources,
      table,
    ),
  );
  for (const warning of summary.warnings) context.warn(warning);
  const shared = summary.overlap[summary.sources.map((source) => source.label).join('+')] ?? 0;
  const methods = Object.entries(summary.by_method).filter(([, count]) => count > 0).map(([method, count]) => `${number(count)} ${method === 'single' ? 'from a single source' : method}`);
  context.info(`${number(summary.variants)} variants: ${methods.join(', ')}${meta ? ` (absent variants: ${summary.absent})` : ''}; ${number(shared)} carried by every source; summary: ${path(context.stderrTty, summaryPath)}`);
}

function weightText(weight: CombineSummary['sources'][number]['weight']): string {
  return weight ? `${weight.mean.toFixed(2)} (${weight.p05.toFixed(2)}–${weight.p95.toFixed(2)})` : '-';
}
