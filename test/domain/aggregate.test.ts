/** DESIGN §4: the parent's status, progress, summary and settled flag from its children. */
import { describe, expect, it } from 'vitest';
import type { ChildStatus } from '../../src/domain/status.js';
import { aggregate } from '../../src/domain/aggregate.js';

const child = (status: ChildStatus, progress = 0) => ({ status, progress });

describe('aggregate', () => {
  it.each([
    ['all completed', [child('completed', 100), child('completed', 90)], 'completed', 100, '2/2 jobs completed, 0 failed, 0 running', true],
    ['two failing', [child('failed', 40), child('failed', 0)], 'failed', 20, '0/2 jobs completed, 2 failed, 0 running', true],
    ['one failed, one completed', [child('failed', 10), child('completed')], 'failed', 55, '1/2 jobs completed, 1 failed, 0 running', true],
    ['failed while others run', [child('failed', 0), child('running', 50), child('queued')], 'failed', 16.7, '0/3 jobs completed, 1 failed, 1 running, 1 queued', false],
    ['all canceled', [child('canceled', 30), child('canceled', 0)], 'canceled', 15, '0/2 jobs completed, 0 failed, 0 running, 2 canceled', true],
    ['canceled and completed', [child('canceled', 0), child('completed', 100)], 'failed', 50, '1/2 jobs completed, 0 failed, 0 running, 1 canceled', true],
    ['canceled while another runs', [child('canceled'), child('running', 40)], 'failed', 20, '0/2 jobs completed, 0 failed, 1 running, 1 canceled', false],
    ['any running: average', [child('running', 30), child('queued', 0), child('completed', 100)], 'running', 43.3, '1/3 jobs completed, 0 failed, 1 running, 1 queued', false],
    ['all queued', [child('queued', 12), child('queued')], 'queued', 0, '0/2 jobs completed, 0 failed, 0 running, 2 queued', false],
    ['queued and completed', [child('queued'), child('completed')], 'queued', 0, '1/2 jobs completed, 0 failed, 0 running, 1 queued', false],
    ['the last one nearly done', [child('completed'), child('completed'), child('running', 100)], 'running', 99, '2/3 jobs completed, 0 failed, 1 running', false],
    ['no children', [], 'queued', 0, '0/0 jobs completed, 0 failed, 0 running', false],
  ] as const)('%s', (_label, children, status, progress, summary, settled) => {
    expect(aggregate(children)).toEqual({ status, progress, summary, settled });
  });

  it('counts a completed child as 100%, a running one within 1..99', () => {
    expect(aggregate([child('completed', 3), child('running', 250), child('running', -5)]).progress).toBe(66.7);
  });

  it('settles only when every child is terminal', () => {
    expect(aggregate([child('completed'), child('failed'), child('canceled')]).settled).toBe(true);
    expect(aggregate([child('completed'), child('running')]).settled).toBe(false);
  });
});
