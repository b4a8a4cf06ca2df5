/**
 * Honest progress and state: a running child is never 100 % in any output mode; `status` says how old what
 * it shows is and refreshes a stale store on a terminal (not in a pipe, not with --no-refresh); `download`
 * of an unfinished parent fetches what is ready and exits 8 naming what is not.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runDownload } from '../../src/commands/download.js';
import { runJobs } from '../../src/commands/jobs.js';
import { runPoll } from '../../src/commands/poll.js';
import { runStatus } from '../../src/commands/status.js';
import { runSubmit } from '../../src/commands/submit.js';
import { runWatch } from '../../src/commands/watch.js';
import { WIDE_PARENT, wideStore } from '../helpers/filled.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { FakeClock, session } from '../helpers/harness.js';
import { childRows, parentRow } from './support.js';

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
let fed: Federation;
let parentId: string;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{ timing: { queuedMs: 0, runningMs: 600_000 } }, {}] });
  const input = await fed.vcf('study.vcf.gz');
  // mich1's job runs on ("Imputation (1/1)" for ten minutes: its last step done, not the job)
  fed.michigan[0].scriptNext({ hang: true });
  expect((await fed.call(runSubmit, { files: [input], services: '1,2', name: 'cohort' })).code).toBe(0);
  parentId = parentRow(fed.db).id;
  await fed.pollUntil(() => childRows(fed.db, parentId).map((child) => child.status).join() === 'running,completed', 'one running, one completed');
});
afterAll(async () => fed?.close());

const requests = () => fed.michigan[0].requests.length;

describe('status says how old it is', () => {
  test('--no-refresh: the stored state and its age, nothing asked', async () => {
    fed.clock.advance(3 * 60_000);
    const before = requests();
    const stale = await fed.call(runStatus, { parent: 'last', refresh: false }, { tty: true, columns: 100 });
    expect(plain(stale.stdout)).toContain('as of 3 min ago');
    expect(requests()).toBe(before);
    // a pipe never refreshes unasked; the age is its last column
    const piped = await fed.call(runStatus, { parent: 'last' });
    expect(requests()).toBe(before);
    expect(piped.stdout.split('\n')[0].split('\t').at(-1)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test('on a terminal, a store older than the poll interval is refreshed first', async () => {
    fed.clock.advance(60_000);
    const before = requests();
    const fresh = await fed.call(runStatus, { parent: 'last' }, { tty: true, columns: 100 });
    expect(requests()).toBeGreaterThan(before);
    expect(plain(fresh.stdout)).toContain('as of just now');
    expect(plain(fresh.stdout)).toContain('next: fedimpute watch');
    // fresh now: no second refresh
    const after = requests();
    await fed.call(runStatus, { parent: 'last' }, { tty: true, columns: 100 });
    expect(requests()).toBe(after);
  });
});

describe('a running child is never 100 %', () => {
  test('in every output mode: JSON, pipes, poll and watch lines', async () => {
    const running = childRows(fed.db, parentId)[0];
    expect(running.status).toBe('running');
    expect(running.progress).toBeGreaterThan(0);
    expect(running.progress).toBeLessThan(100);
    const status = JSON.parse((await fed.call(runStatus, { parent: 'last', refresh: true }, { json: true })).stdout);
    expect(status.children[0]).toMatchObject({ status: 'running', progress: running.progress });
    expect(status.progress).toBeLessThan(100);
    const jobs = JSON.parse((await fed.call(runJobs, {}, { json: true })).stdout);
    expect(jobs.jobs[0].children[0].progress).toBeLessThan(100);
    expect(jobs.jobs[0].progress).toBeLessThan(100);
    const watch = await fed.call(runWatch, { parent: 'last', interval: '1s', timeout: '2s' }, { json: true });
    for (const line of watch.stdout.trim().split('\n').map((text) => JSON.parse(text))) if (line.to === 'running') expect(line.progress).toBeLessThan(100);
    const tsv = (await fed.call(runStatus, { parent: 'last' })).stdout.split('\n')[1].split('\t');
    expect(tsv[5]).toBe('running');
    expect(Number(tsv[6])).toBeLessThan(100);
  });

  test('even when the service says 100 before it says done (the store keeps 99)', async () => {
    const db = join(fed.dir, 'wide.db');
    const { now } = wideStore(db);
    const local = session({ cwd: fed.dir, clock: new FakeClock(now.getTime()) });
    const json = JSON.parse((await local.cli(['status', WIDE_PARENT.slice(0, 8), '--json', '--db', db])).stdout);
    const topmed = json.children.find((child: { service_slug: string }) => child.service_slug === 'topmed');
    expect(topmed).toMatchObject({ status: 'running', progress: 99 });
    const fromReadModel = JSON.parse((await local.cli(['jobs', '--json', '--db', db])).stdout).jobs[0].children;
    expect(fromReadModel.find((child: { service_slug: string }) => child.service_slug === 'topmed').progress).toBe(99);
  });
});

describe('download of an unfinished parent', () => {
  test('fetches what is ready, names what is not, exits 8', async () => {
    const out = join(fed.dir, 'partial');
    const result = await fed.call(runDownload, { parent: 'last', out });
    expect(result.code).toBe(8);
    expect(result.stdout).toContain('mich2\tchr20.dose.vcf.gz');
    expect(result.stderr).toContain(`warning: not finished yet: mich1 (running); run fedimpute download ${parentId.slice(0, 8)} again once they are`);
    // the poll after it changes nothing: download takes nothing from the running child
    expect((await fed.call(runPoll, {})).code).toBe(0);
  });
});
