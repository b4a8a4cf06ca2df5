/**
 * Fault soak: two Michigan emulators and one WES emulator answer ~30 % of requests with a fault (500, 503,
 * 429, reset, a short timeout, slow, malformed; before and after the request took effect), and one parent
 * has 12 children on them. `submit`, then `watch` (and `poll` between) until settled, each command line run
 * as the binary runs it, in this process (fake time: watch's intervals and backoff pass at once). Then, faults off:
 * every child shows what its server says, none was failed by a transport error, each has exactly one
 * remote job, and job_events follow the rules.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultConfig } from '../../src/sandbox/faults.js';
import { startMichiganEmulator, type MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { startWesEmulator, type WesEmulator } from '../../src/sandbox/wes/index.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';
import { jobRows } from '../helpers/store.js';
import { expectEventRules, remoteJobsOf, trueStatus, visibleFaults, writeRegistry } from './support.js';

const faults = (seed: number): FaultConfig => ({
  rate: 0.3,
  kinds: ['500', '503', '429', 'reset', 'timeout', 'slow', 'malformed'],
  phase: 'both',
  seed,
  slowMs: 150,
  timeoutMs: 250,
});

const tmp = tempDir('fedimpute-soak-');
const emulators: (MichiganEmulator | WesEmulator)[] = [];
let vcf = '';

beforeAll(async () => {
  vcf = join(tmp.path, 'study.vcf.gz');
  await generateVcf(vcf, { samples: 24, chromosomes: ['20'], recordsPerChromosome: 300, chrPrefix: true, phased: true });
});

afterAll(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
  tmp.cleanup();
});

let totalFaults = 0;
afterAll(() => console.log(`fault soak: ${totalFaults} visible faults injected over all seeds`));

// each seed has its own servers, registry and store; they run side by side (the faults are mostly waiting)
describe.concurrent('fault soak', () => {
  it.each([10, 20, 30])('seed %i: 12 children on 3 faulty servers settle to the servers\' true final states, one remote job each', async (seed) => {
    const michigan = await Promise.all([1, 2].map((offset) => startMichiganEmulator({ maxJobsPerUser: 50, faults: faults(seed + offset) })));
    const wes = [await startWesEmulator({ faults: faults(seed + 3) })];
    emulators.push(...michigan, ...wes);
    const dir = join(tmp.path, `seed-${seed}`);
    mkdirSync(dir);
    const { config, ids, env } = writeRegistry(dir, michigan, wes, 4);
    const db = join(dir, 'store.db');
    const { cli } = session({ cwd: dir, env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db, FEDIMPUTE_RETRY_BASE_MS: '10', ...env } });
    const run = (args: string[]) => cli(args);

    // submit's own pre-check may hit a fault that outlasts its retries: that refusal is fine, try again
    let submit = await run(['submit', '--services', ids.join(','), '--name', 'soak', vcf]);
    for (let attempt = 0; attempt < 8 && !existsStore(db); attempt++) {
      expect(submit.stderr).not.toMatch(/^\s{4}at /m);
      console.log(`fault soak: submit attempt ${attempt}: ${submit.code} ${submit.stderr}`);
      submit = await run(['submit', '--services', ids.join(','), '--name', 'soak', vcf]);
    }
    expect(submit.stderr).not.toMatch(/^\s{4}at /m);
    const parent = jobRows(db).find((row) => row.parent_job_id === null)!;
    expect(parent, submit.stderr).toBeDefined();
    
    const children = () => jobRows(db).filter((row) => row.parent_job_id === parent.id);
    expect(children()).toHaveLength(12);

    const outputs: string[] = [submit.stderr];
    for (let round = 0; round < 6; round++) {
      const watch = await run(['watch', parent.id as string, '--interval', '0.05', '--timeout', '3m']);
      outputs.push(watch.stderr);
      expect(watch.stderr).not.toMatch(/^\s{4}at /m);
      expect(watch.stderr).not.toContain('database is locked');
      if (children().every((row) => row.settled === 1 || ['completed', 'failed', 'canceled'].includes(row.status as string))) break;
      const poll = await run(['poll']);
      expect(poll.stderr).not.toMatch(/^\s{4}at /m);
    }

    const injected = [...michigan, ...wes].reduce((sum, emulator) => sum + visibleFaults(emulator.requests), 0);
    const requests = [...michigan, ...wes].reduce((sum, emulator) => sum + emulator.requests.length, 0);

    // the truth, faults off
    for (const emulator of [...michigan, ...wes]) emulator.setFaults(undefined);
    const final = await run(['poll']);
    expect(final.stderr).not.toMatch(/^\s{4}at /m);

    for (const child of children()) {
      const remote = remoteJobsOf(child.id as string, michigan, wes);
      expect(remote, `remote jobs of ${child.service_slug} ${child.id}: ${child.status} ${child.submit_state} ${child.message} ${child.last_error}`).toHaveLength(1);
      expect(child.remote_job_id).toBe(remote[0].id);
      expect(child.status, `${child.service_slug}: ${child.message}`).toBe(trueStatus(remote[0]));
      expect(['completed', 'failed', 'canceled']).toContain(child.status);
      // the emulators' jobs all succeed: a failed child could only come from a transport error
      expect(child.status, `${child.service_slug}: ${child.last_error}`).toBe('completed');
    }
    const total = [...michigan, ...wes].reduce((sum, emulator) => sum + ('jobs' in emulator ? emulator.jobs.length : emulator.runs.length), 0);
    expect(total).toBe(12);
    const events = expectEventRules(db);
    expect(jobRows(db).find((row) => row.id === parent.id)!.status).toBe('completed');
    console.log(`fault soak: ${requests} requests, ${injected} visible faults (5xx/429/reset/timeout; slow and malformed not counted), ${events} job events`);
    expect(injected).toBeGreaterThan(20);
    totalFaults += injected;
  }, 300_000);
});

function existsStore(db: string): boolean {
  try {
    return jobRows(db).length > 0;
  } catch {
    return false;
  }
}
