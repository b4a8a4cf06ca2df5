/** The rules behind what users read: honest progress, the words of a parent, what to do next, lost jobs. */
import { describe, expect, it } from 'vitest';
import { michiganProgress } from '../../src/adapters/michigan/progress.js';
import { nextSteps, progressWords, waitsForUser } from '../../src/domain/display.js';
import { DEFAULT_RUN_MS, elapsedProgress, typicalRunMs } from '../../src/domain/estimate.js';
import { patchFromReport } from '../../src/domain/remote.js';
import type { ChildStatus, SubmitState } from '../../src/domain/status.js';
import { transition } from '../../src/domain/transition.js';

const child = (status: ChildStatus, submit_state: SubmitState | null = 'submitted', id = 'c', service_slug = 's') => ({ status, submit_state, id, service_slug });

describe('progress words of a parent', () => {
  it.each([
    ['queued children count as still running', [child('failed'), child('running'), child('queued')], '2 of 3 still running · 1 failed'],
    ['failed while one runs', [child('failed'), child('running'), child('completed')], '1 of 3 still running · 1 completed · 1 failed'],
    ['all completed', [child('completed'), child('completed')], '2 of 2 completed'],
    ['settled with a cancel', [child('completed'), child('canceled')], '1 completed · 1 canceled'],
    ['a lost child is named apart', [child('running', 'lost'), child('completed')], '1 of 2 lost by the service · 1 completed'],
    ['all queued', [child('queued'), child('queued')], '2 of 2 still running'],
  ] as const)('%s', (_label, children, words) => {
    expect(progressWords(children)).toBe(words);
  });
  it('waits for the user only when every unfinished child is lost', () => {
    expect(waitsForUser([child('running', 'lost'), child('completed')])).toBe(true);
    expect(waitsForUser([child('running', 'lost'), child('running')])).toBe(false);
    expect(waitsForUser([child('completed'), child('failed')])).toBe(false);
  });
});

describe('next steps', () => {
  it('pasteable commands, only real ones, in the order a user needs them', () => {
    const commands = (children: Parameters<typeof nextSteps>[1]) => nextSteps('3f2a9c1d', children).map((step) => step.command);
    expect(commands([child('completed'), child('failed')])).toEqual(['fedimpute download 3f2a9c1d', 'fedimpute retry 3f2a9c1d']);
    expect(commands([child('running'), child('completed')])).toEqual(['fedimpute watch 3f2a9c1d', 'fedimpute download 3f2a9c1d']);
    expect(commands([child('running', 'lost', 'c1', 'mich1'), child('completed', 'submitted', 'c2', 'wes1')])).toEqual([
      'fedimpute retry 3f2a9c1d --child mich1',
      'fedimpute cancel 3f2a9c1d --child mich1',
      'fedimpute download 3f2a9c1d',
    ]);
    // two children on one service: the lost one is named by its id
    expect(commands([child('running', 'lost', 'abcdef0123', 'mich1'), child('running', 'submitted', 'c2', 'mich1')])[1]).toBe('fedimpute retry 3f2a9c1d --child abcdef01');
    for (const step of nextSteps('p', [child('failed'), child('running', 'lost'), child('completed'), child('queued')])) {
      expect(step.command).toMatch(/^fedimpute (watch|retry|cancel|download) /);
    }
  });
  it('results already home lead on to combine and compare, and once combined to compare and where the combination is', () => {
    const both = [child('completed', 'submitted', 'c1', 'mich1'), child('completed', 'submitted', 'c2', 'wes1')];
    const steps = (children: Parameters<typeof nextSteps>[1], downloaded: string[], combined: string | null = null) =>
      nextSteps('3f2a9c1d', children, { downloaded: new Set(downloaded), combined }).map((step) => step.command);
    // one of them still to fetch: download first
    expect(steps(both, ['c1'])).toEqual(['fedimpute download 3f2a9c1d']);
    expect(steps(both, ['c1', 'c2'])).toEqual(['fedimpute combine 3f2a9c1d', 'fedimpute compare 3f2a9c1d']);
    const combined = nextSteps('3f2a9c1d', both, { downloaded: new Set(['c1', 'c2']), combined: 'results/3f2a9c1d-study/combined' });
    expect(combined).toEqual([{ command: 'fedimpute compare 3f2a9c1d', why: 'the services and their combination side by side; combined results in results/3f2a9c1d-study/combined' }]);
    // one completed service has nothing to combine with; a child still running is waited for; a failed one is still retried
    expect(steps([child('completed', 'submitted', 'c1'), child('failed')], ['c1'])).toEqual(['fedimpute retry 3f2a9c1d']);
    expect(steps([...both, child('running', 'submitted', 'c3')], ['c1', 'c2'])).toEqual(['fedimpute watch 3f2a9c1d']);
    expect(steps([...both, child('canceled', 'submitted', 'c3')], ['c1', 'c2'])).toEqual(['fedimpute combine 3f2a9c1d', 'fedimpute compare 3f2a9c1d', 'fedimpute retry 3f2a9c1d']);
  });
});

describe('a running job is never 100 %', () => {
  const before = { status: 'running' as const, progress: 40, message: null, last_error: null, submit_state: 'submitted' as const, remote_job_id: 'r', started_at: 'a', completed_at: null };
  it('the transition keeps a job that is not completed below 100', () => {
    expect(transition(before, { progress: 100 }, 'now').columns.progress).toBe(99);
    expect(transition(before, { status: 'failed', progress: 100 }, 'now').columns.progress).toBe(99);
    expect(transition(before, { status: 'completed', progress: 100 }, 'now').columns.progress).toBe(100);
    expect(transition(before, { progress: 57 }, 'now').columns.progress).toBe(57);
  });
  it('Michigan: steps and (k/n) within 1..99, exporting near the end', () => {
    const step = (name: string, text: string) => ({ step: name, text });
    const validation = step('Input Validation', '1 valid VCF file(s) found.');
    const qc = step('Quality Control', 'Statistics');
    expect(michiganProgress(1, [])).toBeUndefined();
    expect(michiganProgress(2, [])).toBe(1);
    expect(michiganProgress(2, [validation])).toBe(1);
    expect(michiganProgress(2, [validation, qc])).toBe(5);
    expect(michiganProgress(2, [validation, qc, step('Phasing and Imputation', 'Imputation (0/22)')])).toBe(12);
    expect(michiganProgress(2, [validation, qc, step('Phasing and Imputation', 'Imputation (11/22)')])).toBe(51);
    // the imputation step done is not the job done
    expect(michiganProgress(2, [validation, qc, step('Phasing and Imputation', 'Imputation (1/1)')])).toBe(89);
    expect(michiganProgress(3, [validation, qc, step('Phasing and Imputation', 'Imputation (1/1)'), step('Summary', 'Exporting data...')])).toBe(95);
  });
  it('by time alone: 1 − e^(−t/T) of the way from 1 to 99', () => {
    expect(elapsedProgress(0)).toBe(1);
    expect(elapsedProgress(DEFAULT_RUN_MS)).toBe(Math.round(1 + 98 * (1 - Math.exp(-1))));
    expect(elapsedProgress(60_000, 120_000)).toBe(40);
    expect(elapsedProgress(100 * DEFAULT_RUN_MS)).toBe(99);
    expect(typicalRunMs([])).toBe(DEFAULT_RUN_MS);
    expect(typicalRunMs([3, 1, 2])).toBe(2);
    expect(typicalRunMs([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('remote reports the user has a say in', () => {
  const running = { status: 'running' as const, last_error: null, submit_state: 'submitted' as const, cancel_requested_at: null };
  it('a lost job keeps its status and is marked lost; found again, it is submitted again', () => {
    expect(patchFromReport({ status: null, rawState: '-1', lost: true, message: 'dropped' }, running)).toMatchObject({ submit_state: 'lost', message: 'dropped' });
    expect(patchFromReport({ status: null, rawState: '-1', lost: true }, running)).not.toHaveProperty('status');
    expect(patchFromReport({ status: 'running', rawState: '2' }, { ...running, submit_state: 'lost' })).toMatchObject({ submit_state: 'submitted', status: 'running' });
  });
  it('a job the user canceled that the service finished anyway is canceled, not completed', () => {
    const patch = patchFromReport({ status: 'completed', rawState: 'COMPLETE' }, { ...running, cancel_requested_at: '2025-01-01T00:00:00Z' });
    expect(patch).toMatchObject({ status: 'canceled', message: 'canceled; the service finished the job anyway, its results are not fetched' });
    expect(patch.progress).toBeUndefined();
  });
});
