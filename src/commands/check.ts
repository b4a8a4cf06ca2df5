/**
 * `fedimpute check <vcf...>`: the local pre-flight of the servers' input rules. No network. Exit 0 when
 * there is no error finding, 2 when there is one (warnings never block).
 */
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import type { CheckReport, PanelChoice } from '../vcf/check.js';
import { text, type RawOptions, type Registration } from './options.js';

export interface CheckCommandOptions {
  /** the input files */
  files: string[];
  build?: string;
  services?: string;
  panels?: string;
  population?: string;
}

export function checkOptions(raw: RawOptions, files: string[]): CheckCommandOptions {
  return { files, build: text(raw, 'build'), services: text(raw, 'services'), panels: text(raw, 'panels'), population: text(raw, 'population') };
}

export const registerCheck: Registration = (program, register) => {
  program
    .command('check')
    .description("local pre-flight of VCF files against the servers' input rules (no network)")
    .argument('<vcf...>', 'input files')
    .option('--build <build>', 'build the data is in: hg19 or hg38')
    .option('--services <list>', "also check build and population against these services' panels")
    .option('--panels <list>', 'panel ids parallel to --services')
    .option('--population <id>', 'population to check against each panel')
    .action(register(checkOptions, async () => runCheck));
};

export async function runCheck(options: CheckCommandOptions, context: Context): Promise<number> {
  if (options.build !== undefined && options.build !== 'hg19' && options.build !== 'hg38') {
    throw new UsageError(`--build must be hg19 or hg38, got '${options.build}'`);
  }
  const { panels, maxSamples } = options.services ? await panelChoices(context, options) : { panels: undefined, maxSamples: undefined };
  const [{ checkVcfFiles }, { resolve }] = await Promise.all([import('../vcf/check.js'), import('node:path')]);
  const files = options.files;
  const report = await checkVcfFiles(
    files.map((file) => resolve(context.cwd, file)),
    { build: options.build as 'hg19' | 'hg38' | undefined, panels, population: options.population, maxSamples, fileNames: true },
  );
  if (context.globals.json) context.json(report);
  else await printReport(context, report);
  return report.ok ? EXIT.ok : EXIT.usage;
}

async function panelChoices(context: Context, options: CheckCommandOptions): Promise<{ panels: PanelChoice[]; maxSamples: number }> {
  const { planChildren, preflightPanels } = await import('../lifecycle/plan.js');
  const registry = await context.registry();
  const { plans, problems } = planChildren(registry, options.services!, options.panels, {
    build: (options.build as 'hg19' | 'hg38') ?? 'hg19',
    phasing: 'eagle',
    mode: 'imputation',
  });
  if (problems.length > 0) {
    const { problemsError } = await import('../lifecycle/validate.js');
    throw problemsError('cannot check against these services', problems);
  }
  return preflightPanels(plans);
}

async function printReport(context: Context, report: CheckReport): Promise<void> {
  const [{ formatBytes }, { renderTable }, { tsvRow }] = await Promise.all([import('../output/format.js'), import('../output/table.js'), import('../sanitize.js')]);
  const { style } = context;
  const rows = report.files.map((file) => [
    file.path,
    file.compression,
    file.vcfVersion ?? '',
    String(file.samples),
    String(file.records),
    file.chromosomes.slice(0, 4).join(',') + (file.chromosomes.length > 4 ? ',…' : ''),
    file.namingBuild ?? '',
    file.phasing,
    file.sorted ? 'yes' : 'no',
    formatBytes(file.bytes),
  ]);
  context.out(
    renderTable(
      ['FILE', 'COMPRESSION', 'VCF', 'SAMPLES', 'RECORDS', 'CHROMOSOMES', 'BUILD', 'PHASING', 'SORTED', 'SIZE'].map((header) => ({ header })),
      rows,
      context.tty,
      style.enabled,
    ),
  );
  for (const finding of report.findings) {
    const label = finding.severity === 'error' ? style.red('error') : style.yellow('warning');
    const where = finding.file ? `${finding.file}: ` : '';
    if (context.tty) context.out(`${label} ${where}${finding.message}\n  ${style.dim(`→ ${finding.fix}`)}`);
    else context.out(tsvRow([finding.severity, finding.code, finding.file ?? '', finding.message, finding.fix]));
  }
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = report.findings.length - errors;
  context.info(
    errors > 0
      ? style.red(`✖ ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}: the servers would reject this input`)
      : style.green(`✔ ready to submit${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`),
  );
}
