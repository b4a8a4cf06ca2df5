/**
 * download with a WES child next to a Michigan one: outputs from the run log selected by the registry's
 * outputs.include, http(s) outputs fetched (with the service token on the service's own origin),
 * file:// outputs copied when the path lies under the service's outputs.local_roots.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { jobRows } from '../helpers/store.js';
import { sha256, submitAndWatch, tree } from './setup.js';

let fed: Federation | undefined;
afterEach(async () => {
  await fed?.close();
  fed = undefined;
});

// for file outputs, where the shared file system is: patched into the written services.yaml (the helper writes
// the rest, the token of a token-protected emulator included)
function patchConfig(federation: Federation, localRoot?: string) {
  let yaml = readFileSync(federation.config, 'utf8');
  // the emulator writes file:// outputs under the system temp folder: the "shared file system" here
  if (localRoot) yaml = yaml.replace('outputs: { include: ["**/*.dose.vcf.gz", "**/*.info.gz"] }', `outputs: { include: ["**/*.dose.vcf.gz", "**/*.info.gz"], local_roots: [${JSON.stringify(localRoot)}] }`);
  writeFileSync(federation.config, yaml);
}

async function run(wes: { token?: string; outputs?: 'http' | 'file' }) {
  fed = await startFederation({ michigan: [{}], wes: [wes] });
  patchConfig(fed, wes.outputs === 'file' ? tmpdir() : undefined);
  const job = await submitAndWatch(fed, '1,11');
  const runId = String(jobRows(fed.db).find((row) => row.service_slug === 'wes1')!.remote_job_id);
  const out = join(fed.dir, 'out');
  const result = await fed.call(runDownload, { parent: 'last', out });
  return { fed, job, out, runId, result, folder: join(job.folder(out), 'wes1') };
}

function expectSameFiles(folder: string, expected: Map<string, Buffer>) {
  const included = [...expected].filter(([name]) => /\.(dose\.vcf|info)\.gz$/.test(name));
  expect(included.length).toBeGreaterThan(0);
  expect(tree(folder)).toEqual(included.map(([name]) => name.split('/').pop()!).sort());
  for (const [name, content] of included)
    expect(sha256(join(folder, name.split('/').pop()!))).toBe(createHash('sha256').update(content).digest('hex'));
}

describe('download from WES', () => {
  test('http outputs (token-protected server) are fetched next to the Michigan results', async () => {
    const { fed, job, out, runId, result, folder } = await run({ token: 'wes-secret-token-1234' });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expectSameFiles(folder, fed.wes[0].expectedOutputs(runId));
    expect(tree(join(job.folder(out), 'mich1'))).toContain('chr20.dose.vcf.gz');
    const manifest = JSON.parse(readFileSync(join(job.folder(out), 'manifest.json'), 'utf8'));
    expect(manifest.children.map((child: { service: { slug: string } }) => child.service.slug)).toEqual(['mich1', 'wes1']);
    const again = await fed.call(runDownload, { parent: 'last', out }, { json: true });
    expect(JSON.parse(again.stdout).files.every((file: { status: string }) => file.status === 'skipped')).toBe(true);
  });

  test('file:// outputs under the service\'s local_roots are copied', async () => {
    const { fed, runId, result, folder } = await run({ outputs: 'file' });
    expect(result.code).toBe(0);
    expectSameFiles(folder, fed.wes[0].expectedOutputs(runId));
    // results are private: files 0600, folders 0700
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(folder)).mode & 0o777).toBe(0o700);
    for (const name of tree(folder)) expect(statSync(join(folder, name)).mode & 0o777, name).toBe(0o600);
  });
});
