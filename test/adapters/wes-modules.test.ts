/**
 * The WES adapter's pure modules, without a server: the run list's quirks and the lost-run rule, run
 * details and task progress, what a refused POST /runs means, the capabilities.
 */
import { describe, expect, test } from 'vitest';
import { capabilitiesOf } from '../../src/adapters/capabilities.js';
import { runDetails, runState, taskPercent, tasksElsewhere, tasksOf } from '../../src/adapters/wes/details.js';
import { lostRun, needsCrossCheck, readRunPage, tagsNameChild } from '../../src/adapters/wes/list.js';
import { runRefusal } from '../../src/adapters/wes/submission.js';
import { RemoteError } from '../../src/errors.js';
import type { WesService } from '../../src/registry/types.js';

describe('WES run list', () => {
  test('the reference server lists under `workflows` and shows runs in flight; a spec list shows them when one is unfinished', () => {
    expect(readRunPage({ workflows: [{ run_id: 'a', state: 'COMPLETE' }] })).toEqual({ runs: [{ run_id: 'a', state: 'COMPLETE' }], showsInFlight: true });
    expect(readRunPage({ runs: [{ run_id: 'a', state: 'COMPLETE' }], next_page_token: 't2' })).toEqual({ runs: [{ run_id: 'a', state: 'COMPLETE' }], showsInFlight: false, next: 't2' });
    expect(readRunPage({ runs: [{ run_id: 'a', state: 'running' }] }).showsInFlight).toBe(true);
    expect(readRunPage({})).toEqual({ runs: [], showsInFlight: false });
  });

  test('an unfinished /status is cross-checked only where lists show runs in flight; a lost run is lost (no status of its own), with why', () => {
    expect(needsCrossCheck(true, 'RUNNING')).toBe(true);
    expect(needsCrossCheck(true, 'COMPLETE')).toBe(false);
    expect(needsCrossCheck(false, 'RUNNING')).toBe(false);
    expect(lostRun('ILIFU', 'r1', '/status answered 404')).toEqual({ remoteId: 'r1', status: null, lost: true, rawState: 'NOT_FOUND', message: 'ILIFU no longer knows run r1 (/status answered 404)' });
  });

  test("a child's run is the one whose tags (an object or JSON text) name it and its parent", () => {
    expect(tagsNameChild({ fedimpute_child: 'c1', fedimpute_parent: 'p1' }, 'c1', 'p1')).toBe(true);
    expect(tagsNameChild('{"fedimpute_child":"c1"}', 'c1', 'p1')).toBe(true);
    expect(tagsNameChild({ fedimpute_child: 'c1', fedimpute_parent: 'p2' }, 'c1', 'p1')).toBe(false);
    expect(tagsNameChild('not json', 'c1', 'p1')).toBe(false);
    expect(tagsNameChild(undefined, 'c1', 'p1')).toBe(false);
  });
});

describe('WES run details', () => {
  test('state words map once; an unknown one keeps the previous status and is heard of', () => {
    const warnings: string[] = [];
    expect(runState('r', 'EXECUTOR_ERROR')).toEqual({ remoteId: 'r', status: 'failed', rawState: 'EXECUTOR_ERROR' });
    expect(runState('r', 'SLEEPING', (text) => warnings.push(text))).toEqual({ remoteId: 'r', status: null, rawState: 'SLEEPING' });
    expect(runState('r', null)).toEqual({ remoteId: 'r', status: null, rawState: 'UNKNOWN' });
    expect(warnings).toEqual(['run r: unrecognised WES state "SLEEPING"; keeping the previous status']);
  });

  test('a failed run shows its ERROR line; a running one its last line and the progress given; a completed one 100 %', () => {
    const failed = runDetails('r', { state: 'EXECUTOR_ERROR', run_log: { stderr: 'start\nERROR bad input\nFinal process status is permanentFail', start_time: 't0', end_time: 't1' } }, undefined);
    expect(failed).toMatchObject({ status: 'failed', message: 'ERROR bad input', startedAt: 't0', endedAt: 't1' });
    expect(runDetails('r', { state: 'RUNNING', run_log: { stderr: 'step 1\nstep 2' } }, 40)).toMatchObject({ status: 'running', message: 'step 2', progress: 40, messages: ['step 1', 'step 2'] });
    expect(runDetails('r', { state: 'COMPLETE' }, 40).progress).toBe(100);
    expect(runDetails('r', { state: 'QUEUED' }, 40).progress).toBeUndefined();
  });

  test('progress: finished tasks among those known; tasks kept elsewhere only on a log that has none', () => {
    const tasks = [{ end_time: 't', exit_code: 0 }, { end_time: 't', exit_code: 1 }, {}];
    expect(taskPercent(tasks)).toBe(33);
    expect(taskPercent([])).toBeUndefined();
    expect(tasksOf({ task_logs: [null, { name: 'a' }] })).toEqual([{ name: 'a' }]);
    expect(tasksElsewhere({ task_logs_url: 'https://wes/runs/r/tasks' } as never)).toBe(true);
    expect(tasksElsewhere({ task_logs: [{ name: 'a' }], task_logs_url: 'x' } as never)).toBe(false);
  });
});

describe('WES submission answers and capabilities', () => {
  test('a gateway answer, a bare 500 or an HTML page is trouble (the run may exist); an explained 500 or a 4xx is a refusal', () => {
    for (const [status, type, text] of [[502, '', 'bad gateway'], [500, 'text/plain', 'oops'], [400, 'text/html', '<html>proxy</html>'], [429, '', '']] as const) {
      const outcome = runRefusal('ILIFU', status, type, text);
      expect(outcome, `${status} ${text}`).toBeInstanceOf(RemoteError);
      expect((outcome as RemoteError).retryable).toBe(true);
    }
    expect(runRefusal('ILIFU', 500, 'application/problem+json', '{"title":"Bad","detail":"workflow_url not found"}')).toEqual({
      kind: 'rejected', message: 'ILIFU refused the run (HTTP 500): workflow_url not found',
    });
    expect(runRefusal('ILIFU', 400, 'application/json', '{"msg":"bad params"}')).toEqual({ kind: 'rejected', message: 'ILIFU refused the run (HTTP 400): bad params' });
  });

  test('capabilities: cancel may be a no-op, the token on same-origin outputs, local_roots from the registry', () => {
    const service = {
      id: 4, slug: 'ilifu', name: 'ILIFU', type: 'wes', base_url: 'http://wes.example.org', api_prefix: '/ga4gh/wes/v1', token: { kind: 'none' },
      source: { file: 'services.yaml', index: 1 }, workflow: { url: 'w', type: 'CWL', version: 'v1.2', attachments: [], engine_parameters: {} },
      input: { mode: 'attachment' }, params: {}, outputs: { include: [], local_roots: ['/shared'] }, panels: [],
    } satisfies WesService;
    expect(capabilitiesOf(service)).toEqual({
      protocol: 'GA4GH WES', listJobs: true, cancelMayBeNoop: true, findByChild: true, resultPassword: false, countedDownloads: false,
      sameOriginOutputAuth: true, maxSamples: 50_000, liftsOver: false, localRoots: ['/shared'],
    });
  });
});
