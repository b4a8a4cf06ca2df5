/** The servers take only bgzipped VCFs named *.vcf.gz (Michigan's workflow globs `*.vcf.gz`): one rule for `check` and `submit`. */
import { basename } from 'node:path';

export function hasServerName(path: string): boolean {
  return basename(path).endsWith('.vcf.gz');
}
