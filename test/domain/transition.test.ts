/** The transition rule of a child (domain/transition.ts): what may follow what, timestamps, the event. */
import { describe, expect, it } from 'vitest';
import type { ChildState } from '../../src/domain/job.js';
import { CHILD_STATUSES, type ChildStatus } from '../../src/domain/status.js';
import { creationEvent, mayMove, transition } from '../../src/domain/transition.js';

const NOW = '2025-03-01T10:00:00.000Z';
const child = (status: ChildStatus, extra: Partial<ChildState> = {}): ChildState => ({
  status,
  progress: 0,
  message: null,
  last_error: null,
  submit_state: 'submitted',
  remote_job_id: 'job-1',
  started_at: null,
  completed_at: null,
  ...extra,
});

describe('mayMove', () => {
  it('forward only, terminal is final, the same status always', () => {
    const allowed = CHILD_STATUSES.flatMap((from) => CHILD_STATUSES.filter((to) => mayMove(from, to)).map((to) => `${from}→${to}`));
    expect(allowed).toEqual([
      'queued→queued', 'queued→running', 'queued→completed', 'queued→failed', 'queued→canceled',
      'running→running', 'running→completed', 'running→failed', 'running→canceled',
      'completed→completed', 'failed→failed', 'canceled→canceled',
    ]);
  });
  it('a reopened child may go anywhere (retry)', () => {
    expect(mayMove('failed', 'queued', true)).toBe(true);
    expect(mayMove('completed', 'queued', true)).toBe(true);
  });
});

describe('transition', () => {
  it('queued → running sets started_at and appends an event with what the child now shows', () => {
    const result = transition(child('queued'), { status: 'running', progress: 12, message: 'Imputation (1/3)' }, NOW);
    expect(result.columns).toEqual({ status: 'running', progress: 12, message: 'Imputation (1/3)', started_at: NOW, updated_at: NOW });
    expect(result.event).toEqual({
      from_status: 'queued', to_status: 'running', message: 'Imputation (1/3)', reason: null, progress: 12,
      remote_job_id: 'job-1', submit_state: 'submitted', settled: null,
    });
  });

  it('news of a backward move drops the status but keeps the rest of the patch, and appends nothing', () => {
    const result = transition(child('running', { started_at: 'earlier' }), { status: 'queued', progress: 5, message: 'late' }, NOW, {}, 'submitted');
    expect(result.columns).toEqual({ progress: 5, message: 'late', updated_at: NOW });
    expect(result.event).toBeUndefined();
  });

  it('a terminal child never moves, unless reopened', () => {
    const done = child('completed', { started_at: 'a', completed_at: 'b' });
    expect(transition(done, { status: 'failed' }, NOW).columns.status).toBeUndefined();
    const reopened = transition(child('failed', { started_at: 'a', completed_at: 'b' }), { status: 'queued' }, NOW, { reopen: true, reason: 'retry (attempt 2)' });
    expect(reopened.columns).toMatchObject({ status: 'queued', started_at: null, completed_at: null });
    expect(reopened.event).toMatchObject({ from_status: 'failed', to_status: 'queued', reason: 'retry (attempt 2)' });
  });

  it('terminal moves set completed_at; a failed child shows its error; started_at only when it ran', () => {
    const failed = transition(child('queued'), { status: 'failed', last_error: 'QC failed', message: null }, NOW);
    expect(failed.columns).toMatchObject({ completed_at: NOW });
    expect(failed.columns.started_at).toBeUndefined();
    expect(failed.event?.message).toBe('QC failed');
    const completed = transition(child('running', { started_at: 'then' }), { status: 'completed', progress: 100 }, NOW);
    expect(completed.columns).toMatchObject({ completed_at: NOW });
    expect(completed.columns.started_at).toBeUndefined();
    expect(transition(child('queued'), { status: 'completed' }, NOW).columns.started_at).toBe(NOW);
  });

  it('submission news is an event once; a lease being held is not news', () => {
    const pending = child('queued', { submit_state: 'submitting', remote_job_id: null });
    const accepted = transition(pending, { submit_state: 'submitted', remote_job_id: 'job-9', message: 'submitted' }, NOW, {}, 'pending');
    expect(accepted.event).toMatchObject({ from_status: 'queued', to_status: 'queued', submit_state: 'submitted', remote_job_id: 'job-9', message: 'submitted' });
    // still waiting for a slot, as the last event already says: nothing to announce
    expect(transition(pending, { submit_state: 'waiting-slot' }, NOW, {}, 'waiting-slot').event).toBeUndefined();
    expect(transition(pending, { submit_state: 'waiting-slot' }, NOW, {}, 'pending').event).toMatchObject({ submit_state: 'waiting-slot' });
    expect(transition(pending, { submit_state: 'pending', last_error: 'token rejected' }, NOW, {}, 'pending').event).toBeUndefined();
    // a finished child's bookkeeping is not news
    expect(transition(child('canceled'), { submit_state: 'submitted' }, NOW, {}, 'pending').event).toBeUndefined();
  });

  it('the creation event carries a parent\'s settled flag, not a child\'s', () => {
    expect(creationEvent({ ...child('queued'), parent_job_id: null, settled: 0 })).toMatchObject({ from_status: null, to_status: 'queued', reason: 'created', settled: 0 });
    expect(creationEvent({ ...child('queued'), parent_job_id: 'p', settled: 0 }).settled).toBeNull();
  });
});
