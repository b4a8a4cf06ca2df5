/**
 * Concurrency on one store: several `poll`, a `watch`, a `cancel` and a `download` at once. No `database is
 * locked`, no duplicate submission (one remote job per child), no duplicate download (each result file of
 * the Michigan emulator fetched once: its download counters moved once per file).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMichiganEmulator, type MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { jobRows } from '../helpers/store.js';
import { remoteJobsOf, writeRegistry } from './support.js';

interface Setup {
  dir: string;
  db: string;
  michigan: MichiganEmulator[];
  run(args: string[]): ReturnType<typeof runCli>;
  vcf(name: string): Promise<string>;
}
let fed: Setup;
const tmp = tempDir('fedimpute-concurrency-');

beforeAll(async () => {
  // one slot per user on each server, two registry entries (distinct slugs) per server: children wait
  // locally and every poll/watch races to submit them
  const michigan = await Promise.all([0, 1].map(() => startMichiganEmulator({ maxJobsPerUser: 1 })));
  const registry = writeRegistry(tmp.path, michigan, [], 2);
  const db = join(tmp.path, 'store.db');
  fed = {
    dir: tmp.path,
    db,
    michigan,
    run: (args) =>
      runCli(args, { cwd: tmp.path, env: { FEDIMPUTE_CONFIG: registry.config, FEDIMPUTE_DB: db, FEDIMPUTE_RETRY_BASE_MS: '10', ...registry.env } }),
    vcf: async (name) => {
      const path = join(tmp.path, name);
      await generateVcf(path, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 200, chrPrefix: true, phased: true });
      return path;
    },
  };
}, 60_000);
afterAll(async () => {
  await Promise.all(fed.michigan.map((emulator) => emulator.close()));
  tmp.cleanup();
});

function expectEachFileFetchedOnce(): void {
  const gets = fed.michigan.flatMap((emulator) => emulator.requests.filter((request) => request.path.startsWith('/share/results/')).map((request) => request.path));
  expect(gets.length).toBeGreaterThan(0);
  const counts = new Map<string, number>();
  for (const path of gets) counts.set(path, (counts.get(path) ?? 0) + 1);
  expect([...counts.entries()].filter(([, count]) => count > 1)).toEqual([]);
}

function expectClean(results: { stderr: string }[]): void {
  for (const result of results) {
    expect(result.stderr).not.toContain('database is locked');
    expect(result.stderr).not.toMatch(/SQLITE_BUSY/);
    expect(result.stderr).not.toMatch(/^\s{4}at /m);
  }
}

let parentA = '';

// the second test downloads again what the first one's processes raced over (never shuffled)
describe('one store, many processes', { shuffle: false }, () => {
  it('poll ×4, watch, cancel and download at once: no lock errors, no duplicate submission or download', async () => {
    const vcf = await fed.vcf('study.vcf.gz');
    // parent A: 4 children (2 per server, 1 slot each: two wait for a slot, and every poll/watch races to submit them)
    const a = await fed.run(['submit', '--services', '1,2,11,12', '--name', 'race', vcf]);
    expect(a.code, a.stderr).toBe(0);
    parentA = jobRows(fed.db).find((row) => row.parent_job_id === null && row.name === 'race')!.id as string;
    // parent B: canceled while the others run
    const b = await fed.run(['submit', '--services', '1', '--name', 'doomed', vcf]);
    expect([0, 3]).toContain(b.code);
    const parentB = jobRows(fed.db).find((row) => row.parent_job_id === null && row.name === 'doomed')!.id as string;

    const runs = await Promise.all([
      fed.run(['poll']),
      fed.run(['poll']),
      fed.run(['watch', parentA, '--interval', '0.05', '--timeout', '2m']),
      fed.run(['poll']),
      fed.run(['cancel', parentB]),
      fed.run(['poll']),
      fed.run(['download', parentA, '--out', join(fed.dir, 'out')]),
    ]);
    expectClean(runs);
    // the download above may have run before A settled: one more, alone, completes the set
    const rest = await fed.run(['download', parentA, '--out', join(fed.dir, 'out')]);
    expectClean([rest]);
    expect(rest.code, `${runs.map((run) => run.stderr).join('\n----\n')}\n====\n${rest.stdout}${rest.stderr}`).toBe(0);

    const children = jobRows(fed.db).filter((row) => row.parent_job_id);
    for (const child of children) {
      const remote = remoteJobsOf(child.id as string, fed.michigan, []);
      expect(remote.length, `${child.service_slug} ${child.status} ${child.message}`).toBeLessThanOrEqual(1);
      if (child.remote_job_id) expect(remote.map((job) => job.id)).toEqual([child.remote_job_id]);
    }
    expect(children.filter((row) => row.parent_job_id === parentA).every((row) => row.status === 'completed')).toBe(true);
    expectEachFileFetchedOnce();
  }, 240_000);

  // each result file is claimed in the store (download_claims): the second run waits, then finds it complete
  it('two downloads of one parent at once fetch each file once', async () => {
    const again = join(fed.dir, 'again');
    for (const emulator of fed.michigan) emulator.requests.length = 0;
    const both = await Promise.all([fed.run(['download', parentA, '--out', again]), fed.run(['download', parentA, '--out', again])]);
    expectClean(both);
    expectEachFileFetchedOnce();
  }, 120_000);
});
