/**
 * Severity, wording and fix of every finding, in one table. Where a Michigan-API server has its own
 * wording (protocols/michigan.md "Input rules"), the message follows it so users recognise it.
 */
import { basename } from 'node:path';
import type { Finding, FindingCode, Severity } from './report.js';

export interface Params {
  detail?: string;
  count?: number;
  line?: number;
  value?: string;
  limit?: number;
  build?: string;
  choices?: string;
}

interface Entry {
  severity: Severity;
  message: (params: Params) => string;
  fix: (params: Params, file: string) => string;
}

/** a file name as the shell reads it */
function quoted(name: string): string {
  return /^[\w.,+@%/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** the command that turns `file` into a BGZF file of the same name (plain gzip or uncompressed), indexed */
export function bgzipCommand(file: string, gzipped: boolean): string {
  const stem = file.replace(/\.gz$/, '');
  const target = file.endsWith('.gz') ? file : `${file}.gz`;
  const steps =
    gzipped && file.endsWith('.gz')
      ? [`gunzip ${quoted(file)}`, `bgzip ${quoted(stem)}`]
      : gzipped
        ? [`gunzip -c ${quoted(file)} | bgzip -c > ${quoted(target)}`]
        : file.endsWith('.gz')
          ? [`mv ${quoted(file)} ${quoted(stem)}`, `bgzip ${quoted(stem)}`]
          : [`bgzip ${quoted(file)}`];
  return [...steps, `tabix -p vcf ${quoted(target)}`].join(' && ');
}

const prepare = (build = 'hg38') => `run \`fedimpute prepare --build ${build}\` on it`;

const TABLE: Record<FindingCode, Entry> = {
  'file-empty': { severity: 'error', message: () => 'The file is empty.', fix: () => 'export the VCF again; the upload would be refused' },
  'not-vcf': { severity: 'error', message: () => 'This is not a VCF file (no ##fileformat=VCF header line).', fix: () => 'upload VCF files; convert PLINK data with `fedimpute prepare data.bed --build hg38`' },
  'not-bgzf': {
    severity: 'error',
    message: (p) => `The provided VCF file is not bgzip compressed (${p.value}). Please compress it with bgzip and index it with tabix.`,
    fix: (p, file) => `recompress it with bgzip: \`${bgzipCommand(file, p.value === 'plain gzip')}\` (or let \`fedimpute prepare\` do it)`,
  },
  'truncated-bgzf': { severity: 'error', message: (p) => `truncated BGZF: ${p.detail}.`, fix: () => 'copy or download the file again, or recompress it with bgzip' },
  'corrupt-compression': { severity: 'error', message: (p) => `The compressed data is damaged: ${p.detail}.`, fix: () => 'copy or download the file again, or recompress it with bgzip' },
  // htslib and Java's readLine (the servers' readers) drop the CR: accepted, but other tools may keep it
  'crlf-line-endings': {
    severity: 'warning',
    message: () => 'Lines end with CR LF (Windows line endings); the servers drop the CR, but other tools may read it as part of the last genotype.',
    fix: () => 'run `fedimpute prepare` (it writes LF), or `sed "s/\\r$//"` before bgzip',
  },
  'missing-header-line': { severity: 'error', message: () => 'The #CHROM header line with the sample ids is missing.', fix: () => 'export the VCF again with its full header' },
  'malformed-record': { severity: 'error', message: (p) => `${p.count} malformed record(s) (fewer than 8 columns or a bad POS), first at line ${p.line}.`, fix: () => 'export the VCF again; check it with `bcftools view`' },
  'no-records': { severity: 'error', message: () => 'The provided VCF file contains no variants (at least one record is required).', fix: () => 'check the export; the file has a header only' },
  'no-samples': { severity: 'error', message: () => 'The VCF file has no sample columns (sites only).', fix: () => 'upload genotypes: a VCF with FORMAT and sample columns' },
  'too-few-samples': { severity: 'error', message: (p) => `At least ${p.limit ?? 20} samples must be uploaded.`, fix: () => 'merge more samples into the file; the servers refuse smaller sets' },
  'too-many-samples': { severity: 'error', message: (p) => `The maximum number of samples is ${p.limit}; the file has ${p.count}.`, fix: (p) => `split the samples into several jobs of at most ${p.limit} (\`bcftools view -S\`)` },
  'duplicate-sample-ids': { severity: 'error', message: (p) => `Duplicate sample ids: ${p.value}.`, fix: () => 'give every sample a unique id (`bcftools reheader -s`)' },
  'different-samples': { severity: 'error', message: (p) => `The files do not have the same samples: ${p.detail}.`, fix: () => 'every file of one job must hold the same samples in the same order' },
  'no-gt': { severity: 'error', message: (p) => `${p.count} record(s) have no GT in FORMAT; the server needs genotypes.`, fix: () => 'export hard genotype calls (GT), e.g. `bcftools +tag2tag` or re-export from the caller' },
  'multiple-chromosomes': { severity: 'error', message: (p) => `The file contains more than one chromosome (${p.value}); the servers expect one chromosome per file.`, fix: (p) => `split it: ${prepare(p.build)}` },
  'unsupported-chromosome': { severity: 'error', message: (p) => `Chromosome ${p.value} is not supported; the servers impute chromosomes 1–22 and X.`, fix: () => 'remove those records (`bcftools view -t ^Y,MT`) or leave the file out' },
  'chr-naming': {
    severity: 'error',
    message: (p) => `Chromosome names (${p.value}) do not match ${p.build}: ${p.build === 'hg38' ? 'hg38 needs the chr prefix (chr20)' : 'hg19 needs names without chr (20)'}.`,
    fix: (p) => prepare(p.build),
  },
  'mixed-chr-naming': { severity: 'error', message: (p) => `Chromosome names mix with and without the chr prefix (${p.value}).`, fix: (p) => prepare(p.build) },
  'contig-build-mismatch': {
    severity: 'warning',
    message: (p) => `The ##contig lengths are those of ${p.value}, not ${p.build}; renaming chromosomes does not change coordinates.`,
    fix: () => 'make sure the positions are in the build you chose (lift over with CrossMap or bcftools +liftover if not)',
  },
  unsorted: { severity: 'error', message: (p) => `The file is not sorted (not tabix-indexable): ${p.detail}.`, fix: () => 'sort it: `bcftools sort -Oz -o sorted.vcf.gz file.vcf.gz`' },
  'ref-equals-alt': { severity: 'error', message: (p) => `${p.count} record(s) have REF equal to ALT.`, fix: () => 'remove or fix them (`bcftools norm --check-ref` against the reference)' },
  'invalid-alleles': { severity: 'warning', message: (p) => `${p.count} record(s) have alleles other than A, C, G, T, N; the server's QC excludes them.`, fix: () => 'nothing required; remove them to keep the QC report short' },
  'symbolic-alleles': { severity: 'warning', message: (p) => `${p.count} record(s) have symbolic alleles (<DEL>, breakends); the server's QC excludes them.`, fix: () => 'nothing required; `bcftools view -v snps,indels` removes them' },
  'multi-allelic': { severity: 'warning', message: (p) => `${p.count} multi-allelic record(s); the server's QC excludes them.`, fix: () => 'split them with `bcftools norm -m -any` if you want them imputed' },
  indels: { severity: 'warning', message: (p) => `${p.count} indel(s); most panels impute SNPs only and the QC may exclude them.`, fix: () => 'nothing required' },
  'mixed-phasing': { severity: 'warning', message: () => 'Some genotypes are phased (|) and some unphased (/).', fix: () => 'switch phasing on when submitting so the server phases everything' },
  unphased: { severity: 'error', message: () => 'The input is unphased and phasing is off.', fix: () => 'submit with --phasing' },
  'duplicate-chromosome-files': { severity: 'error', message: (p) => `Chromosome ${p.value} is in more than one file.`, fix: () => 'upload each chromosome once' },
  'panel-build-mismatch': { severity: 'error', message: (p) => `${p.detail} is ${p.value}, but the input is ${p.build}.`, fix: (p) => `choose a ${p.build} panel, or ${prepare(p.value)} after lifting the positions over` },
  'file-name': {
    severity: 'error',
    message: () => 'The file name does not end in .vcf.gz; the servers accept only files named *.vcf.gz.',
    fix: (_p, file) => `if it is a bgzipped VCF, rename it (${file.replace(/\.[^.]*$/, '') || file}.vcf.gz); otherwise run \`fedimpute prepare\` on it`,
  },
  'population-not-allowed': { severity: 'error', message: (p) => `Population ${p.value} is not available for ${p.detail}.`, fix: (p) => `choose one of: ${p.choices}` },
};

/** a finding about one file (file = its base name in messages, full path in `file`) */
export function fileFinding(code: FindingCode, file: string, params: Params = {}): Finding {
  const entry = TABLE[code];
  return { severity: entry.severity, code, file, message: entry.message(params), fix: entry.fix(params, basename(file)) };
}

/** a finding about the whole job (several files, panels) */
export function jobFinding(code: FindingCode, params: Params = {}): Finding {
  const entry = TABLE[code];
  return { severity: entry.severity, code, message: entry.message(params), fix: entry.fix(params, '') };
}
