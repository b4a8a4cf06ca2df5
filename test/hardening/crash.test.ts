/**
 * Crash test: SIGKILL `submit` at 20 seeded moments, from process start to after the uploads (3 children on
 * 2 Michigan emulators and 1 WES emulator, a ~25 MB input so the upload window is real). At the instant of
 * each kill a `poll` (in this process, a fake clock) makes no second remote job while the servers may still
 * be taking in the dead client's upload; once they have and the grace is over, the next poll leaves every
 * child with exactly one remote job (Michigan: the job name holds the child id; WES: tags), and the parent
 * is the aggregate of its children.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/domain/aggregate.js';
import { startMichiganEmulator, type MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import { startWesEmulator, type WesEmulator } from '../../src/sandbox/wes/index.js';
import { generateVcf } from '../../src/vcf/generate.js';
import { runPoll } from '../../src/commands/poll.js';
import { UPLOAD_GRACE_MS } from '../../src/domain/resubmit.js';
import { runCli, spawnCli, tempDir } from '../helpers/cli.js';
import { FakeClock, session } from '../helpers/harness.js';
import { serversSettled } from '../helpers/until.js';
import { jobRows } from '../helpers/store.js';
import { remoteJobsOf, writeRegistry } from './support.js';
import { seededRandom } from '../../src/domain/random.js';

const KILLS = 20;
const tmp = tempDir('fedimpute-crash-');
let michigan: MichiganEmulator[] = [];
let wes: WesEmulator[] = [];
let vcf = '';
let registry: ReturnType<typeof writeRegistry>;

beforeAll(async () => {
  // the servers' clock never moves: their jobs stay queued, so none of the 25 MB inputs is validated or
  // imputed in this process (what matters here is which jobs exist, not what becomes of them)
  const frozen = new FakeClock().emulators;
  michigan = await Promise.all([0, 1].map(() => startMichiganEmulator({ maxJobsPerUser: 100, clock: frozen })));
  wes = [await startWesEmulator({ clock: frozen })];
  registry = writeRegistry(tmp.path, michigan, wes, 1);
  vcf = join(tmp.path, 'big.vcf.gz');
  // level 1 keeps generation quick; random genotypes keep the file large (~25 MB)
  await generateVcf(vcf, { samples: 200, chromosomes: ['20'], recordsPerChromosome: 180_000, chrPrefix: true, phased: true, level: 1 });
}, 120_000);

afterAll(async () => {
  await Promise.all([...michigan, ...wes].map((emulator) => emulator.close()));
  tmp.cleanup();
}, 30_000);


/**
 * Every child of the store has at most one remote job, and it is the one the child records (a child
 * waiting out the grace after a kill has none recorded, and the service may have made none yet, or one);
 * the parent is the aggregate of its children. The children, for more checks.
 */
function noDuplicates(db: string, label: string): Record<string, unknown>[] {
  let rows: Record<string, unknown>[] = [];
  try {
    rows = jobRows(db);
  } catch {
    rows = []; // killed before the store was even created
  }
  const parents = rows.filter((row) => row.parent_job_id === null);
  expect(parents.length, label).toBeLessThanOrEqual(1);
  const children = rows.filter((row) => row.parent_job_id !== null);
  for (const parent of parents) {
    const own = children.filter((row) => row.parent_job_id === parent.id);
    expect(own, label).toHaveLength(3);
    for (const row of own) {
      const remote = remoteJobsOf(row.id as string, michigan, wes).map((job) => job.id);
      if (row.remote_job_id) expect(remote, `${label}: ${row.service_slug}`).toEqual([row.remote_job_id]);
      else {
        expect(remote.length, `${label}: ${row.service_slug} ${row.message}`).toBeLessThanOrEqual(1);
        expect(['pending', 'unconfirmed', 'submitting', 'waiting-slot'], `${label}: ${row.service_slug}`).toContain(row.submit_state);
      }
      expect(row.status, label).not.toBe('failed');
    }
    const expected = aggregate(own.map((row) => ({ status: row.status, progress: row.progress }) as never));
    expect(parent.status, label).toBe(expected.status);
    expect(parent.progress, label).toBe(expected.progress);
  }
  return children;
}

const env = (db: string) => ({ FEDIMPUTE_CONFIG: registry.config, FEDIMPUTE_DB: db, FEDIMPUTE_RETRY_BASE_MS: '10', ...registry.env });

describe('SIGKILL during submit, then a poll at that instant', () => {
  it(`survives ${KILLS} kills spread over the whole submit`, async () => {
    expect(statSync(vcf).size).toBeGreaterThan(20_000_000);
    // how long an undisturbed submit takes: the kill window is [0, 1.2 × that]
    const started = Date.now();
    const clean = await runCli(['submit', '--services', registry.ids.join(','), vcf], { cwd: tmp.path, env: env(join(tmp.path, 'clean.db')) });
    const window = (Date.now() - started) * 1.2;
    expect(clean.code, clean.stderr).toBe(0);

    const random = seededRandom(2026);
    let survived = 0;
    const moments: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const db = join(tmp.path, `kill-${kill}.db`);
      const delay = Math.round(random() * window);
      moments.push(delay);
      const child = spawnCli(['submit', '--services', registry.ids.join(','), '--name', `crash${kill}`, vcf], { cwd: tmp.path, env: env(db) });
      child.stdout?.resume();
      child.stderr?.resume();
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      await new Promise((resolve) => child.on('close', resolve));
      clearTimeout(timer);

      // a poll at the instant of the kill, in this process (a fake clock), while the servers may still be taking
      // in what the dead client sent: it looks for the abandoned submissions and sends none of them again
      const clock = new FakeClock();
      const polling = session({ env: env(db), cwd: tmp.path, clock });
      const instant = await polling.call(runPoll, {});
      const label = `kill ${kill} at ${delay} ms: poll exit ${instant.code} ${instant.stderr}`;
      expect(instant.code, label).toBe(0);
      expect(instant.stderr, label).not.toMatch(/^\s{4}at /m);
      expect(instant.stderr, label).not.toContain('database is locked');
      // children waiting out the grace: once the servers have taken in what they will (loopback: moments) and the
      // grace is over, the next poll sends them again
      if (noDuplicates(db, label).some((row) => !row.remote_job_id)) {
        await serversSettled([...michigan, ...wes]);
        clock.advance(UPLOAD_GRACE_MS);
        const poll = await polling.call(runPoll, {});
        expect(poll.code, `${label}; then ${poll.stderr}`).toBe(0);
      }
      const repaired = noDuplicates(db, label);
      for (const row of repaired) expect(row.remote_job_id, `${label}: ${row.service_slug} ${row.submit_state} ${row.message}`).toBeTruthy();
      survived++;
    }
    console.log(`crash test: ${survived} of ${KILLS} SIGKILLs survived (kill moments ms: ${moments.join(', ')}; window ${Math.round(window)} ms)`);
    expect(survived).toBe(KILLS);
  }, 240_000);
});
