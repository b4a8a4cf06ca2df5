/**
 * The servers' input rules (protocols/michigan.md "Input rules") applied to scanned files: per file, across
 * the files of one job, and against the chosen panels. Pure functions of the reports.
 */
import type { Build } from '../registry/types.js';
import { bareChromosome, isSupportedChromosome } from './build.js';
import type { ScannedFile } from './file-scan.js';
import { fileFinding, jobFinding } from './messages.js';
import type { CheckOptions, FileReport, Finding } from './report.js';

/** rules that need the file to be a readable VCF (skipped when it is not) */
export function fileRules(scanned: ScannedFile, options: CheckOptions): Finding[] {
  const { report } = scanned;
  const path = report.path;
  const findings: Finding[] = [];
  if (report.compression !== 'bgzf') findings.push(fileFinding('not-bgzf', path, { value: report.compression === 'gzip' ? 'plain gzip' : 'uncompressed' }));
  if (report.records === 0) findings.push(fileFinding('no-records', path));
  findings.push(...sampleRules(report, options));
  if (report.records > 0 && !report.gtPresent && report.samples > 0) findings.push(fileFinding('no-gt', path, { count: report.recordsWithoutGt }));
  findings.push(...chromosomeRules(report, options.build));
  if (!report.sorted) findings.push(fileFinding('unsorted', path, { detail: scanned.collector.unsortedAt ?? '' }));
  const counted = [
    ['ref-equals-alt', report.refEqualsAlt],
    ['invalid-alleles', report.invalidAlleles],
    ['symbolic-alleles', report.symbolicAlleles],
    ['multi-allelic', report.multiAllelic],
    ['indels', report.indels],
  ] as const;
  for (const [code, count] of counted) if (count > 0) findings.push(fileFinding(code, path, { count }));
  if (report.phasing === 'mixed') findings.push(fileFinding('mixed-phasing', path));
  return findings;
}

function sampleRules(report: FileReport, options: CheckOptions): Finding[] {
  const path = report.path;
  const minimum = options.minSamples ?? 20;
  const maximum = options.maxSamples ?? 50_000;
  if (report.samples === 0) return [fileFinding('no-samples', path)];
  const findings: Finding[] = [];
  if (report.samples < minimum) findings.push(fileFinding('too-few-samples', path, { limit: minimum, count: report.samples }));
  if (report.samples > maximum) findings.push(fileFinding('too-many-samples', path, { limit: maximum, count: report.samples }));
  if (report.duplicateSampleIds.length > 0) findings.push(fileFinding('duplicate-sample-ids', path, { value: report.duplicateSampleIds.join(', ') }));
  return findings;
}

function chromosomeRules(report: FileReport, build: Build | undefined): Finding[] {
  const path = report.path;
  const names = report.chromosomes;
  const wanted = build ?? report.namingBuild ?? 'hg38';
  const findings: Finding[] = [];
  if (names.length > 1) findings.push(fileFinding('multiple-chromosomes', path, { value: listed(names), build: wanted }));
  const unsupported = names.filter((name) => !isSupportedChromosome(name));
  if (unsupported.length > 0) findings.push(fileFinding('unsupported-chromosome', path, { value: listed(unsupported) }));
  if (names.length > 0 && report.namingBuild === null) findings.push(fileFinding('mixed-chr-naming', path, { value: listed(names), build: wanted }));
  else if (build && report.namingBuild && report.namingBuild !== build) findings.push(fileFinding('chr-naming', path, { value: listed(names), build }));
  if (build && report.contigBuild && report.contigBuild !== build) findings.push(fileFinding('contig-build-mismatch', path, { value: report.contigBuild, build }));
  return findings;
}

/** rules across the files of one job: same samples, each chromosome once */
export function jobRules(files: ScannedFile[]): Finding[] {
  const readable = files.filter((file) => file.report.vcfVersion !== null && file.report.samples > 0);
  const findings: Finding[] = [];
  const first = readable[0];
  for (const other of readable.slice(1)) {
    const difference = sampleDifference(first.sampleIds, other.sampleIds);
    if (difference) findings.push(jobFinding('different-samples', { detail: `${first.report.path} and ${other.report.path}: ${difference}` }));
  }
  const owners = new Map<string, number>();
  for (const file of files) for (const name of file.report.chromosomes) owners.set(bareChromosome(name), (owners.get(bareChromosome(name)) ?? 0) + 1);
  for (const [name, count] of owners) if (count > 1) findings.push(jobFinding('duplicate-chromosome-files', { value: name }));
  return findings;
}

function sampleDifference(left: string[], right: string[]): string | null {
  if (left.length !== right.length) return `${left.length} vs ${right.length} samples`;
  for (let index = 0; index < left.length; index++) {
    if (left[index] !== right[index]) return `sample ${index + 1} is ${left[index]} vs ${right[index]}`;
  }
  return null;
}

/** build and population against each chosen panel */
export function panelRules(files: FileReport[], options: CheckOptions): Finding[] {
  const inputBuild = options.build ?? files.find((file) => file.namingBuild)?.namingBuild;
  const findings: Finding[] = [];
  for (const panel of options.panels ?? []) {
    const where = `${panel.panelName} on ${panel.serviceName}`;
    if (inputBuild && panel.build !== inputBuild) {
      const finding = jobFinding('panel-build-mismatch', { detail: where, value: panel.build, build: inputBuild });
      // Michigan servers take the input's build as a form field and lift it over to the panel's build
      findings.push(
        panel.liftsOver
          ? { ...finding, severity: 'warning', message: `${where} is ${panel.build}; the server lifts your ${inputBuild} input over to it (liftOver drops a few variants).`, fix: `choose a ${inputBuild} panel to avoid the liftover` }
          : finding,
      );
    }
    const population = options.population;
    if (population && population !== 'off' && panel.populations.length > 0 && !panel.populations.includes(population)) {
      findings.push(jobFinding('population-not-allowed', { value: population, detail: where, choices: panel.populations.join(', ') }));
    }
  }
  return findings;
}

function listed(names: string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length})` : names.join(', ');
}
