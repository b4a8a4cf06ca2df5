/**
 * `fedimpute combine <parent>` / `combine --from PREFIX --from PREFIX --out FILE.vcf.gz`: one meta-imputed
 * (or best-R²) VCF per chromosome from every service's results, and combine.json beside it.
 * Exit 0 when written, 2 for inputs that cannot be combined (each says why and how to fix it).
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { renderTable } from '../output/table.js';
import type { CombineSummary } from '../combine/summary.js';

export interface CombineOptions {
  from?: string[];
  out?: string;
  method?: string;
  absent?: string;
  region?: string;
  threads?: number;
}

export async function runCombine(options: CombineOptions, context: Context, [parent]: string[]): Promise<number> {
  const { combine } = await import('../combine/run.js');
  const { summary, summaryPath } = await combine(context, { parent, ...options });
  if (context.globals.json) context.json(summary);
  else print(context, summary, summaryPath);
  return EXIT.ok;
}

function print(context: Context, summary: CombineSummary, summaryPath: string): void {
  const number = (value: number) => value.toLocaleString('en-US');
  const outputs = summary.outputs.map((output) => [output.chromosomes.join(',') || '-', number(output.variants), number(output.typed), output.path]);
  context.out(renderTable([{ header: 'CHROMOSOME' }, { header: 'VARIANTS', align: 'right' }, { header: 'TYPED', align: 'right' }, { header: 'FILE', flexible: true }], outputs, context.tty, context.style.enabled));
  const meta = summary.method === 'meta';
  const sources = summary.sources.map((source) => [
    source.label,
    number(source.variants),
    number(source.only),
    meta ? weightText(source.weight) : number(source.chosen),
    source.flipped > 0 || source.multiallelic_skipped > 0 ? `${number(source.flipped)} flipped, ${number(source.multiallelic_skipped)} multi-allelic skipped` : '',
  ]);
  const fourth = meta ? 'WEIGHT mean (5–95 %)' : 'CHOSEN';
  context.out(renderTable([{ header: 'SOURCE' }, { header: 'VARIANTS', align: 'right' }, { header: 'ONLY HERE', align: 'right' }, { header: fourth }, { header: 'NOTE', flexible: true }], sources, context.tty, context.style.enabled));
  for (const warning of summary.warnings) context.warn(warning);
  const shared = summary.overlap[summary.sources.map((source) => source.label).join('+')] ?? 0;
  const methods = Object.entries(summary.by_method).filter(([, count]) => count > 0).map(([method, count]) => `${number(count)} ${method === 'single' ? 'from a single source' : method}`);
  context.info(`${number(summary.variants)} variants: ${methods.join(', ')}${meta ? ` (absent variants: ${summary.absent})` : ''}; ${number(shared)} carried by every source; summary: ${summaryPath}`);
}

function weightText(weight: CombineSummary['sources'][number]['weight']): string {
  return weight ? `${weight.mean.toFixed(2)} (${weight.p05.toFixed(2)}–${weight.p95.toFixed(2)})` : '-';
}
