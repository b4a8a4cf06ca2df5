/** Shared steps of the download tests: a parent submitted and watched to the end (in this process). */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import type { Federation } from '../helpers/federation.js';
import { jobRows } from '../helpers/store.js';

export interface Submitted {
  parentId: string;
  children: Record<string, { id: string; remote: string; password: string }>;
  folder: (out: string) => string;
}

export async function submitAndWatch(fed: Federation, services: string, name = 'study'): Promise<Submitted> {
  const vcf = await fed.vcf(`${name}.vcf.gz`);
  const submitted = await fed.call(runSubmit, { files: [vcf], services, name }, { json: true });
  expect(submitted.stderr).not.toMatch(/error/);
  expect(submitted.code).toBe(0);
  const parentId = JSON.parse(submitted.stdout).parent_job_id as string;
  const watched = await fed.call(runWatch, { parent: parentId, interval: '0.1' });
  expect(watched.code).toBe(0);
  const children: Submitted['children'] = {};
  for (const row of jobRows(fed.db).filter((job) => job.parent_job_id === parentId))
    children[String(row.service_slug)] = { id: String(row.id), remote: String(row.remote_job_id), password: String(row.result_password) };
  return { parentId, children, folder: (out) => join(out, `${parentId.slice(0, 8)}-${name}`) };
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** every file below dir, relative, sorted (dot files included: .part leftovers must show) */
export function tree(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found.sort();
}

export function shareRequests(fed: Federation): number {
  return fed.michigan.reduce((sum, emulator) => sum + emulator.requests.filter((request) => request.path.includes('/share/')).length, 0);
}
