/**
 * The local pre-flight library: check, prepare, generate. Only Node built-ins; import it lazily from the
 * commands that need it (check, prepare, submit, demo).
 */
export { checkVcfFiles, FINDING_CODES } from './check.js';
export type { CheckOptions, CheckReport, FileReport, Finding, FindingCode, PanelChoice, Phasing, Severity } from './report.js';
export { prepareVcf, formatFromPath } from './prepare.js';
export type { InputFormat, PrepareOptions, PrepareResult, PreparedOutput } from './prepare.js';
export type { SampleIdStyle } from './plink-fam.js';
export { generateVcf } from './generate.js';
export type { GenerateOptions, GenerateResult } from './generate.js';
export { createInflatePool } from './inflate-pool.js';
export type { InflatePool } from './inflate-pool.js';
export { detectCompression } from './bgzf.js';
export type { Compression } from './bgzf.js';
export { BgzfWriter } from './bgzf-write.js';
