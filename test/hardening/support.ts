/**
 * Shared by the hardening tests: a registry with several service entries per emulator (so one parent can
 * have many children on a few servers), the remote jobs that belong to a child (Michigan: job name holds
 * the child id; WES: tags), and the job_events rules.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { MichiganEmulator } from '../../src/sandbox/michigan/index.js';
import type { WesEmulator } from '../../src/sandbox/wes/index.js';
import { withDb } from '../helpers/store.js';

export interface Entry {
  id: number;
  kind: 'michigan' | 'wes';
  index: number;
}

/** services.yaml with `perEmulator` entries per emulator; returns the ids and the token env */
export function writeRegistry(
  dir: string,
  michigan: MichiganEmulator[],
  wes: WesEmulator[],
  perEmulator: number,
  extra: string[] = [],
): { config: string; ids: number[]; entries: Entry[]; env: Record<string, string> } {
  const lines = ['services:'];
  const entries: Entry[] = [];
  const env: Record<string, string> = {};
  michigan.forEach((emulator, index) => {
    env[`MICH${index}_TOKEN`] = emulator.tokenFor('alice');
    for (let copy = 0; copy < perEmulator; copy++) {
      const id = 1 + index * 10 + copy;
      entries.push({ id, kind: 'michigan', index });
      lines.push(
        `  - id: ${id}`,
        `    slug: m${index}c${copy}`,
        `    name: Michigan ${index} copy ${copy}`,
        '    type: michigan',
        `    base_url: ${emulator.url}`,
        `    token: \${MICH${index}_TOKEN}`,
        '    max_parallel_jobs: 50',
        '    default_panel: 37',
        '    panels:',
        '      - { id: 37, name: H3Africa v6, remote_id: "apps@h3africa-v6hc-s@1.0.0", build: hg38, populations: [afr, mixed, off] }',
        ...extra,
      );
    }
  });
  wes.forEach((emulator, index) => {
    for (let copy = 0; copy < perEmulator; copy++) {
      const id = 100 + index * 10 + copy;
      entries.push({ id, kind: 'wes', index });
      lines.push(
        `  - id: ${id}`,
        `    slug: w${index}c${copy}`,
        `    name: WES ${index} copy ${copy}`,
        '    type: wes',
        `    base_url: ${emulator.url}`,
        '    workflow: { url: impute.cwl, type: CWL, version: v1.2, attachments: [./impute.cwl] }',
        '    input: { mode: attachment }',
        '    params: { target_vcf: { class: File, path: "{{input}}" }, ref_panel: "{{panel.ref}}", build: "{{build}}", job: "{{job_id}}" }',
        '    outputs: { include: ["**/*.dose.vcf.gz", "**/*.info.gz"] }',
        '    default_panel: 39',
        '    panels:',
        '      - { id: 39, name: 1000G Phase 3 v5, build: hg38, params: { ref: /refs/1kg } }',
        ...extra,
      );
    }
  });
  // the reference server resolves a relative workflow_url against the attachments
  if (wes.length > 0) writeFileSync(join(dir, 'impute.cwl'), 'cwlVersion: v1.2\nclass: Workflow\ninputs: {}\noutputs: {}\nsteps: {}\n');
  const config = join(dir, 'services.yaml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  return { config, ids: entries.map((entry) => entry.id), entries, env };
}

/** remote jobs created for a child, across all emulators */
export function remoteJobsOf(childId: string, michigan: MichiganEmulator[], wes: WesEmulator[]): { server: string; id: string; state: string }[] {
  return [
    ...michigan.flatMap((emulator, index) =>
      emulator.jobs.filter((job) => job.name.includes(childId)).map((job) => ({ server: `michigan${index}`, id: job.id, state: String(job.state) })),
    ),
    ...wes.flatMap((emulator, index) =>
      emulator.runs.filter((run) => run.request.tags.fedimpute_child === childId).map((run) => ({ server: `wes${index}`, id: run.run_id, state: run.state })),
    ),
  ];
}

const MICHIGAN_STATUS: Record<string, string> = { '1': 'queued', '2': 'running', '3': 'running', '4': 'completed', '5': 'failed', '6': 'canceled', '8': 'completed', '9': 'failed' };
const WES_STATUS: Record<string, string> = {
  QUEUED: 'queued', INITIALIZING: 'queued', RUNNING: 'running', PAUSED: 'running', CANCELING: 'running',
  COMPLETE: 'completed', EXECUTOR_ERROR: 'failed', SYSTEM_ERROR: 'failed', PREEMPTED: 'failed', CANCELED: 'canceled',
};

/** what the server says, in fedimpute's words (protocol docs' mapping tables) */
export function trueStatus(job: { server: string; state: string }): string | undefined {
  return job.server.startsWith('michigan') ? MICHIGAN_STATUS[job.state] : WES_STATUS[job.state];
}

const TERMINAL = new Set(['completed', 'failed', 'canceled']);

/** per job: first from NULL, each from = previous to, from = to only with other news, nothing after a terminal status */
export function expectEventRules(db: string): number {
  return withDb(db, (sqlite) => {
    const jobs = sqlite.prepare('SELECT id, status FROM jobs').all() as { id: string; status: string }[];
    const events = sqlite.prepare('SELECT * FROM job_events WHERE job_id = ? ORDER BY id');
    let count = 0;
    for (const job of jobs) {
      const rows = events.all(job.id) as { from_status: string | null; to_status: string; message: string | null; submit_state: string | null; settled: number | null }[];
      count += rows.length;
      expect(rows.length, `events of ${job.id}`).toBeGreaterThan(0);
      expect(rows[0].from_status, `first event of ${job.id}`).toBeNull();
      for (let index = 1; index < rows.length; index++) {
        const label = `event ${index} of ${job.id}: ${JSON.stringify(rows[index])}`;
        expect(rows[index].from_status, label).toBe(rows[index - 1].to_status);
        // an event that keeps the status records other news: submission state, a parent settling
        if (rows[index].from_status === rows[index].to_status) {
          expect(rows[index].submit_state !== rows[index - 1].submit_state || rows[index].settled !== rows[index - 1].settled, label).toBe(true);
        }
        // no retry in these tests: a terminal status is final
        expect(TERMINAL.has(rows[index - 1].to_status), label).toBe(false);
      }
      expect(rows.at(-1)!.to_status, `last event of ${job.id}`).toBe(job.status);
    }
    return count;
  });
}

/** requests whose answer was visibly a fault: 5xx, 429, or a socket closed without an answer */
export function visibleFaults(requests: { status: number }[]): number {
  return requests.filter((request) => request.status <= 0 || request.status === 429 || request.status >= 500).length;
}
