/** Changes from job_events rows, display rules, the stuck flag, and what a remote report changes. */
import { describe, expect, it } from 'vitest';
import { reaggregate } from '../../src/domain/aggregate.js';
import { changeFromEvent, snapshot } from '../../src/domain/change.js';
import { errorOf, shownMessage, shownProgress } from '../../src/domain/display.js';
import { patchFromReport, reportDiffers } from '../../src/domain/remote.js';
import { stuckFlag } from '../../src/domain/stuck.js';

describe('changeFromEvent', () => {
  const event = { job_id: 'c1', at: 'T', from_status: 'queued', to_status: 'running', message: 'm', progress: 40, remote_job_id: 'r1' };
  it('a child event', () => {
    expect(changeFromEvent({ ...event, parent_job_id: 'p1', service_slug: 'mich1' })).toEqual({
      at: 'T', kind: 'child', id: 'c1', parent_id: 'p1', service_slug: 'mich1', from: 'queued', to: 'running', progress: 40, remote_job_id: 'r1', message: 'm', submit_state: null,
    });
  });
  it('a parent event: its own id as parent, no service, no remote id; an old event without progress shows 0', () => {
    expect(changeFromEvent({ ...event, job_id: 'p1', progress: null, parent_job_id: null, service_slug: null })).toMatchObject({
      kind: 'parent', id: 'p1', parent_id: 'p1', service_slug: null, remote_job_id: null, progress: 0,
    });
  });
  it('snapshot: where a child stands now, from nowhere', () => {
    const row = { id: 'c1', parent_job_id: 'p1', service_slug: 's', updated_at: 'U', status: 'failed' as const, progress: 3, remote_job_id: null, message: 'x', last_error: 'why' };
    expect(snapshot(row)).toMatchObject({ at: 'U', from: null, to: 'failed', message: 'why' });
  });
});

describe('display rules', () => {
  it('completed means 100 %; a running job is within 1..99, a queued one 0, a stopped one below 100', () => {
    expect(shownProgress({ status: 'completed', progress: 40 })).toBe(100);
    expect(shownProgress({ status: 'running', progress: 140 })).toBe(99);
    expect(shownProgress({ status: 'running', progress: 100 })).toBe(99);
    expect(shownProgress({ status: 'running', progress: 99.9 })).toBe(99);
    expect(shownProgress({ status: 'running', progress: -3 })).toBe(1);
    expect(shownProgress({ status: 'queued', progress: 30 })).toBe(0);
    expect(shownProgress({ status: 'failed', progress: 100 })).toBe(99);
    expect(shownProgress({ status: 'canceled', progress: 42 })).toBe(42);
  });
  it('a failed job shows its error', () => {
    expect(shownMessage({ status: 'failed', message: 'submitted', last_error: 'QC failed' })).toBe('QC failed');
    expect(shownMessage({ status: 'failed', message: 'fallback', last_error: null })).toBe('fallback');
    expect(shownMessage({ status: 'running', message: 'step', last_error: 'old' })).toBe('step');
    expect(errorOf({ status: 'failed', last_error: 'e' })).toBe('e');
    expect(errorOf({ status: 'canceled', last_error: 'e' })).toBeNull();
  });
});

describe('reaggregate', () => {
  const parent = { status: 'queued' as const, progress: 0, message: null, settled: 0, started_at: null, completed_at: null };
  it('writes the aggregate and the first start; no event while the status and settled flag stay', () => {
    const update = reaggregate(parent, [{ status: 'queued', progress: 0, started_at: null, completed_at: null }], 'NOW');
    expect(update.columns).toMatchObject({ status: 'queued', message: '0/1 jobs completed, 0 failed, 0 running, 1 queued', updated_at: 'NOW' });
    expect(update.event).toBeUndefined();
    expect(reaggregate({ ...parent, message: '0/1 jobs completed, 0 failed, 0 running, 1 queued' }, [{ status: 'queued', progress: 0, started_at: null, completed_at: null }], 'NOW')).toEqual({});
  });
  it('a parent that settles without changing status appends an event (failed → failed, settled)', () => {
    const failed = { ...parent, status: 'failed' as const, progress: 50, message: '0/2 jobs completed, 1 failed, 1 running', started_at: 'a' };
    const update = reaggregate(failed, [
      { status: 'failed', progress: 0, started_at: 'a', completed_at: 'b' },
      { status: 'completed', progress: 100, started_at: 'a', completed_at: 'c' },
    ], 'NOW');
    expect(update.columns).toMatchObject({ status: 'failed', settled: 1, completed_at: 'c' });
    expect(update.event).toMatchObject({ from_status: 'failed', to_status: 'failed', settled: 1, message: '1/2 jobs completed, 1 failed, 0 running' });
  });
});

describe('stuckFlag', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  const running = { status: 'running' as const, remote_job_id: 'job-1' };
  it('flags a job on the service longer than the limit in one status', () => {
    expect(stuckFlag(running, '2025-03-01T10:00:00Z', 3600, now)).toEqual({ forMs: 7_200_000, limitMs: 3_600_000 });
  });
  it('not within the limit, not without one, not finished, not waiting locally', () => {
    expect(stuckFlag(running, '2025-03-01T11:30:00Z', 3600, now)).toBeUndefined();
    expect(stuckFlag(running, '2025-03-01T10:00:00Z', undefined, now)).toBeUndefined();
    expect(stuckFlag({ ...running, status: 'completed' }, '2025-03-01T10:00:00Z', 3600, now)).toBeUndefined();
    expect(stuckFlag({ status: 'queued', remote_job_id: null }, '2025-03-01T10:00:00Z', 3600, now)).toBeUndefined();
  });
});

describe('patchFromReport', () => {
  const queued = { status: 'queued' as const, last_error: null };
  it('completed means 100 % whatever the report says', () => {
    expect(patchFromReport({ status: 'completed', rawState: '4', progress: 80 }, queued)).toMatchObject({ status: 'completed', progress: 100 });
  });
  it('a failure keeps its message as last_error, or names the state', () => {
    expect(patchFromReport({ status: 'failed', rawState: '5', message: 'QC failed', hint: 'fix it' }, queued)).toMatchObject({ last_error: 'QC failed — fix it', message: 'QC failed — fix it' });
    expect(patchFromReport({ status: 'failed', rawState: 'SYSTEM_ERROR' }, queued).last_error).toBe('the service reports state SYSTEM_ERROR');
  });
  it('a retired job never seen complete failed; one that completed stays completed', () => {
    expect(patchFromReport({ status: 'completed', rawState: '7', retired: true }, queued)).toMatchObject({ status: 'failed', last_error: 'the server deleted the job before it was seen to finish' });
    expect(patchFromReport({ status: 'completed', rawState: '7', retired: true }, { status: 'completed', last_error: null }).status).toBe('completed');
  });
  it('an unmapped state keeps the status; a new status without a message clears the old one', () => {
    expect(patchFromReport({ status: null, rawState: 'UNKNOWN' }, queued)).toEqual({ remote_state: 'UNKNOWN', queue_position: null });
    expect(patchFromReport({ status: 'running', rawState: '2' }, queued).message).toBeNull();
  });
  it('reportDiffers: state word, mapped status, queue position', () => {
    const row = { status: 'queued' as const, remote_state: '1', queue_position: 3 };
    expect(reportDiffers(row, { status: 'queued', rawState: '1', queuePosition: 3 })).toBe(false);
    expect(reportDiffers(row, { status: 'queued', rawState: '1', queuePosition: 2 })).toBe(true);
    expect(reportDiffers(row, { status: 'running', rawState: '2' })).toBe(true);
  });
});
