/**
 * The input files of a submission: they exist, are regular files, are named so the servers accept them
 * (`*.vcf.gz`), pass the local pre-flight check, and are hashed once (sha256 kept with the job).
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Build } from '../registry/types.js';
import type { StoredInput } from '../store/rows.js';
import type { CheckReport, PanelChoice } from '../vcf/check.js';

export interface InputProblem {
  message: string;
}

export function statInputs(paths: string[], cwd: string, problems: string[]): { path: string; name: string; size: number }[] {
  const inputs: { path: string; name: string; size: number }[] = [];
  if (paths.length === 0) problems.push('no input file given');
  for (const given of paths) {
    const path = resolve(cwd, given);
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) {
        problems.push(`${given} is not a file`);
        continue;
      }
      size = stat.size;
    } catch {
      problems.push(`${given}: no such file`);
      continue;
    }
    const name = basename(path);
    if (!name.endsWith('.vcf.gz')) {
      problems.push(`${given}: the servers only accept bgzipped VCF files named *.vcf.gz (bgzip it: bgzip -c file.vcf > file.vcf.gz)`);
      continue;
    }
    inputs.push({ path, name, size });
  }
  return inputs;
}

export async function preflight(
  paths: string[],
  build: Build | undefined,
  panels: PanelChoice[],
  population: string | undefined,
  maxSamples: number,
): Promise<CheckReport> {
  const { checkVcfFiles } = await import('../vcf/check.js');
  return checkVcfFiles(paths, { build, panels, population, maxSamples });
}

export async function hashInputs(inputs: { path: string; name: string; size: number }[]): Promise<StoredInput[]> {
  const { sha256File } = await import('../domain/hash.js');
  return Promise.all(inputs.map(async (input) => ({ ...input, sha256: await sha256File(input.path) })));
}
