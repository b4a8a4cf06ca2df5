/**
 * Stores filled by hand for rendering tests: every state a child can show, names and ids as long as real
 * servers make them (Michigan job-YYYYMMDD-HHMMSS-mmm, WES UUIDs), so that tables are tested at their widest.
 */
import { openDatabase } from '../../src/store/db.js';
import type { ChildPatch } from '../../src/store/store.js';
import { Store } from '../../src/store/store.js';

/** a store with one parent of 3 children (completed, running, failed) and one queued parent */
export function filledStore(path: string): { running: string; queued: string } {
  let clock = Date.parse('2025-05-01T08:00:00Z');
  const store = new Store(openDatabase(path), () => new Date((clock += 60_000)));
  const running = '5eed0001-aaaa-4bbb-8ccc-000000000001';
  const queued = '5eed0002-aaaa-4bbb-8ccc-000000000002';
  const child = (parent: string, serviceId: number, slug: string, panel: number) => ({
    id: `${parent.slice(0, 8)}-c${serviceId}`,
    name: null,
    service_id: serviceId,
    service_slug: slug,
    service_name: `${slug} service`,
    reference_panel_id: panel,
    panel_name: `panel ${panel}`,
    submit_state: 'submitted' as const,
  });
  store.jobs.insertParent({ id: running, name: 'chr20-study', input_files: '[{"path":"/d/chr20.vcf.gz","name":"chr20.vcf.gz","size":42,"sha256":"ff"}]', options: '{"build":"hg38"}' }, [
    child(running, 1, 'h3africa', 37),
    child(running, 2, 'michigan', 21),
    child(running, 4, 'ilifu', 39),
  ]);
  store.updateChild(`${running.slice(0, 8)}-c1`, { status: 'completed', progress: 100, remote_job_id: 'job-20250501-1' });
  store.updateChild(`${running.slice(0, 8)}-c2`, { status: 'running', progress: 40, remote_job_id: 'job-20250501-2', step: 'Imputation (3/22)' });
  store.updateChild(`${running.slice(0, 8)}-c4`, { status: 'failed', remote_job_id: 'run-4', last_error: 'workflow failed' });
  store.jobs.insertParent({ id: queued, name: 'second' }, [child(queued, 1, 'h3africa', 37)]);
  store.close();
  return { running, queued };
}

export const WIDE_PARENT = '7a11c0de-1234-4abc-8def-0123456789ab';

/**
 * One parent whose children show every state at its widest: a long name, long panel names, a completed
 * Michigan job with its expiry, a running one at 100 % of its last step, a queued one with a queue position,
 * one waiting for a slot, one whose upload went unanswered, one the service lost, one failed with a long
 * error, a WES run with a UUID. `now` is when the table is drawn.
 */
export function wideStore(path: string): { parent: string; now: Date } {
  let clock = Date.parse('2025-06-01T08:00:00Z');
  const store = new Store(openDatabase(path), () => new Date((clock += 60_000)));
  const specs: [string, number, string, number, string, ChildPatch][] = [
    ['h3africa', 1, 'H3Africa Imputation Service', 37, 'H3Africa v6 high coverage (hg38)', { status: 'completed', progress: 100, remote_job_id: 'job-20250601-080102-866', results_expire_at: '2025-06-05T08:00:00Z' }],
    ['topmed', 2, 'TOPMed Imputation Server', 41, 'TOPMed r3 (hg38) — the largest panel', { status: 'running', progress: 100, remote_job_id: 'job-20250601-080230-117', step: 'Imputation (22/22)' }],
    ['michigan', 3, 'Michigan Imputation Server 2', 21, '1000 Genomes Phase 3 (Version 5)', { status: 'queued', remote_job_id: 'job-20250601-080301-004', queue_position: 12 }],
    ['helmholtz', 5, 'Helmholtz Munich Imputation Service', 50, 'HRC r1.1 2016 (hg19)', { submit_state: 'waiting-slot', message: 'waiting for a free slot (2 jobs at once on helmholtz)' }],
    ['afrigen-mirror', 6, 'AfriGen-D mirror', 38, '1000G Phase 3 v5', { submit_state: 'unconfirmed', last_error: 'the connection was reset' }],
    ['ilifu', 11, 'eLwazi ILIFU Node - Imputation Service', 39, '1000G Phase 3 v5', { status: 'running', progress: 30, remote_job_id: '0f8e2d0c-56b7-4a1e-9f3c-7d2b1a0e9c44', submit_state: 'lost', message: 'eLwazi ILIFU Node no longer knows run 0f8e2d0c-56b7-4a1e-9f3c-7d2b1a0e9c44 (GET /runs answered 404)' }],
    ['mali', 12, 'eLwazi Mali Node - Imputation Service', 39, '1000G Phase 3 v5', { status: 'failed', remote_job_id: '9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', last_error: 'Error: No chunks passed the QC step. Imputation cannot be started! See the quality control report for the excluded SNPs and the reasons' }],
  ];
  store.jobs.insertParent(
    { id: WIDE_PARENT, name: 'a study with a rather long name for chromosome 20 (consented for research)', options: '{"build":"hg38"}' },
    specs.map(([slug, id, name, panel, panelName]) => ({
      id: `${WIDE_PARENT.slice(0, 8)}-${slug}`,
      name: null,
      service_id: id,
      service_slug: slug,
      service_name: name,
      reference_panel_id: panel,
      panel_name: panelName,
      submit_state: 'pending' as const,
    })),
  );
  for (const [slug, , , , , patch] of specs) {
    const id = `${WIDE_PARENT.slice(0, 8)}-${slug}`;
    if (patch.status === 'running' || patch.status === 'completed') store.updateChild(id, { status: 'running', remote_job_id: patch.remote_job_id, submit_state: 'submitted' });
    store.updateChild(id, { submit_state: patch.remote_job_id ? 'submitted' : 'pending', ...patch });
  }
  const now = new Date(clock + 30 * 60_000);
  store.close();
  return { parent: WIDE_PARENT, now };
}
