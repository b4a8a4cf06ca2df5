/**
 * `checkVcfFiles`: the local pre-flight of `fedimpute check`, `prepare` and `submit`. Reads each file once,
 * streaming, and reports facts per file plus findings against the servers' input rules. Never throws for
 * bad content (random bytes, empty, truncated, CRLF all become findings); only I/O errors throw InputError.
 */
import { createInflatePool, type InflatePool } from './inflate-pool.js';
import { scanVcfFile, type ScannedFile } from './file-scan.js';
import type { CheckOptions, CheckReport, Finding } from './report.js';
import { fileFinding } from './messages.js';
import { hasServerName } from './names.js';
import { fileRules, jobRules, panelRules } from './rules.js';

export type { CheckOptions, CheckReport, FileReport, Finding, FindingCode, PanelChoice, Severity } from './report.js';
export { FINDING_CODES } from './report.js';

export async function checkVcfFiles(paths: string[], options: CheckOptions = {}, pool?: InflatePool): Promise<CheckReport> {
  const ownPool = pool ?? createInflatePool(options.threads);
  try {
    const scanned: ScannedFile[] = [];
    for (const path of paths) scanned.push(await scanVcfFile(path, ownPool, options.phasingSamples));
    return assemble(scanned, options);
  } finally {
    if (!pool) await ownPool.close();
  }
}

function assemble(scanned: ScannedFile[], options: CheckOptions): CheckReport {
  const findings: Finding[] = [];
  for (const file of scanned) {
    // the same rule as submit's (and the server's): a name that would be refused is an error here too
    // (for a file that is not BGZF, not-bgzf's fix already gives it a .vcf.gz name)
    if (options.fileNames && file.report.compression === 'bgzf' && !hasServerName(file.report.path)) findings.push(fileFinding('file-name', file.report.path));
    findings.push(...file.findings);
    if (file.report.vcfVersion !== null) findings.push(...fileRules(file, options));
  }
  const files = scanned.map((file) => file.report);
  findings.push(...jobRules(scanned), ...panelRules(files, options));
  return {
    files,
    findings,
    ok: !findings.some((finding) => finding.severity === 'error'),
    phased: files.length > 0 && files.every((file) => file.phased),
  };
}
