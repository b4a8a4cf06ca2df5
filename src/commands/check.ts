/**
 * `fedimpute check <vcf...>`: the local pre-flight of the servers' input rules. No network. Exit 0 when
 * there is no error finding, 2 when there is one (warnings never block).
 */
import type { Context } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import type { CheckReport, PanelChoice } from '../vcf/check.js';
import { examples, text, type RawOptions, type Registration } from './options.js';

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
  const command = program
    .command('check')
    .description("local pre-flight of VCF files against the servers' input rules (no network)")
    .argument('<vcf...>', 'input files')
    .option('--build <build>', 'build the data is in: hg19 or hg38')
    .option('--services <list>', "also check build and population against these services' panels")
    .option('--panels <list>', 'panel ids parallel to --services')
    .option('--population <id>', 'population to check against each panel');
  examples(command, [
    ['fedimpute check study.chr20.vcf.gz --build hg38', 'will the servers accept this file?'],
    ['fedimpute check chr*.vcf.gz --services 1,4 --population afr', "also against these services' panels and the population"],
    ['fedimpute check study.chr20.vcf.gz --json', 'the report as JSON (exit 2 when an error is found)'],
  ]);
  command.action(register(checkOptions, async () => runCheck));
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
  const [{ formatBytes, shownPath }, { renderTable }, { tsvRow }, { wrapText }] = await Promise.all([
    import('../output/format.js'),
    import('../output/table.js'),
    import('../sanitize.js'),
    import('../output/width.js'),
  ]);
  const { style, width } = context;
  // a terminal shows paths from the current folder (pipes get them whole)
  const shown = (path: string) => (context.tty ? shownPath(path, context.cwd) : path);
  const rows = report.files.map((file) => [
    shown(file.path),
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
  const columns = [
    { header: 'FILE', shrink: 'middle', priority: 3, min: 16 },
    { header: 'COMPRESSION', shrink: 'end', priority: 1, min: 5, optional: true },
    { header: 'VCF', shrink: 'end', priority: 0, min: 4, optional: true },
    { header: 'SAMPLES', shrink: 'never', align: 'right' },
    { header: 'RECORDS', shrink: 'never', align: 'right' },
    { header: 'CHROMOSOMES', shrink: 'end', priority: 2, min: 6 },
    { header: 'BUILD', shrink: 'never' },
    { header: 'PHASING', shrink: 'end', priority: 1, min: 6, optional: true },
    { header: 'SORTED', shrink: 'never', optional: true },
    { header: 'SIZE', shrink: 'never', align: 'right', optional: true },
  ] as const;
  context.out(renderTable(columns, rows, { tty: context.tty, style, width }));
  for (const finding of report.findings) {
    const label = finding.severity === 'error' ? style.red('error') : style.yellow('warning');
    const where = finding.file ? `${shown(finding.file)}: ` : '';
    if (!context.tty) {
      context.out(tsvRow([finding.severity, finding.code, finding.file ?? '', finding.message, finding.fix]));
      continue;
    }
    const message = wrapText(`${where}${finding.message}`, width - 8, '  ');
    const fix = wrapText(`${style.symbols.arrow} ${finding.fix}`, width - 2, '    ');
    context.out([`${label} ${message[0]}`, ...message.slice(1), ...fix.map((line, index) => style.dim(index === 0 ? `  ${line}` : line))].join('\n'));
  }
  const errors = report.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = report.findings.length - errors;
  context.info(
    errors > 0
      ? style.red(`${style.symbols.failed} ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}: the servers would reject this input`)
      : style.green(`${style.symbols.completed} ready to submit${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}`),
  );
}
