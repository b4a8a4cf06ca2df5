/** The shapes `fedimpute check --json` prints. Keys are stable; add, never rename. */
import type { Build } from '../registry/types.js';
import type { Compression } from './bgzf.js';

export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  /** stable identifier, see FINDING_CODES */
  code: FindingCode;
  file?: string;
  /** what is wrong (the server's own wording where it has one) */
  message: string;
  /** what to do about it */
  fix: string;
}

export const FINDING_CODES = [
  'file-empty',
  'not-vcf',
  'not-bgzf',
  'truncated-bgzf',
  'corrupt-compression',
  'crlf-line-endings',
  'missing-header-line',
  'malformed-record',
  'no-records',
  'no-samples',
  'too-few-samples',
  'too-many-samples',
  'duplicate-sample-ids',
  'different-samples',
  'no-gt',
  'multiple-chromosomes',
  'unsupported-chromosome',
  'chr-naming',
  'mixed-chr-naming',
  'contig-build-mismatch',
  'unsorted',
  'ref-equals-alt',
  'invalid-alleles',
  'symbolic-alleles',
  'multi-allelic',
  'indels',
  'mixed-phasing',
  'unphased',
  'duplicate-chromosome-files',
  'panel-build-mismatch',
  'population-not-allowed',
  'file-name',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Phasing = 'phased' | 'unphased' | 'mixed' | 'unknown';

export interface FileReport {
  path: string;
  /** file size on disk */
  bytes: number;
  compression: Compression;
  /** BGZF only: the 28-byte end-of-file block is present */
  eofBlock: boolean | null;
  /** "VCFv4.2", or null without a ##fileformat line */
  vcfVersion: string | null;
  lineEndings: 'lf' | 'crlf';
  samples: number;
  /** up to 10 ids that occur more than once */
  duplicateSampleIds: string[];
  records: number;
  /** in order of first appearance */
  chromosomes: string[];
  /** positions non-decreasing per chromosome and each chromosome in one contiguous block */
  sorted: boolean;
  /** GT of the first few samples of every record: all `|`, all `/`, both, or no GT seen */
  phasing: Phasing;
  phased: boolean;
  /** every record has GT in FORMAT */
  gtPresent: boolean;
  recordsWithoutGt: number;
  refEqualsAlt: number;
  invalidAlleles: number;
  symbolicAlleles: number;
  multiAllelic: number;
  indels: number;
  malformedRecords: number;
  /** the build the chromosome names imply (chr → hg38, none → hg19) */
  namingBuild: Build | null;
  /** the build the ##contig lengths imply, when they name known chromosomes */
  contigBuild: Build | null;
}

export interface CheckReport {
  files: FileReport[];
  findings: Finding[];
  /** no finding of severity error */
  ok: boolean;
  /** every file is phased (the caller decides whether phasing must be switched on) */
  phased: boolean;
}

export interface PanelChoice {
  serviceName: string;
  panelName: string;
  build: Build;
  /** allowed population ids; empty = the service does not ask for one */
  populations: string[];
  /** the service lifts the input over to the panel's build (Michigan API), so a build difference is no error */
  liftsOver?: boolean;
}

export interface CheckOptions {
  /** the build the user says the data is in (names must match it) */
  build?: Build;
  /** upper sample limit (default 50,000, the public Michigan servers' limit) */
  maxSamples?: number;
  /** lower sample limit (default 20) */
  minSamples?: number;
  panels?: PanelChoice[];
  population?: string;
  /** GTs inspected per record for phasing (default 8) */
  phasingSamples?: number;
  /** worker threads for BGZF (default: cores, min 2) */
  threads?: number;
  /** apply the servers' file name rule (`check`; `prepare` takes any name, `submit` checks names before) */
  fileNames?: boolean;
}
