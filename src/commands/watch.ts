/**
 * `fedimpute watch <parent>`: follow every child until all are terminal. On a TTY a live table with a
 * countdown; otherwise one line per change; with --json one JSON object per change. Exit codes:
 * 0 all completed, 3 settled with failures, 4 a rejected token, 8 --timeout, 130 Ctrl-C.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { parseDuration } from '../domain/duration.js';
import { refreshParents, type Change, type RefreshResult } from '../lifecycle/refresh.js';
import { childTable, changeLine, parentBlock } from '../output/status.js';
import type { LiveArea } from '../output/live.js';
import type { Store } from '../store/store.js';
import { settledExitCode } from './status.js';

export interface WatchOptions {
  interval?: string;
  timeout?: string;
}

const MAX_BACKOFF_MS = 5 * 60_000;

export async function runWatch(options: WatchOptions, context: Context, [reference]: string[]): Promise<number> {
  const intervalMs = parseDuration(options.interval ?? '30s', '--interval');
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, '--timeout');
  const store = await context.store();
  const parentId = store.resolveParent(reference).id;
  const started = context.now().getTime();
  const live = context.tty && !context.globals.json ? await (await import('../output/live.js')).createLiveArea(context.stdout) : undefined;
  if (!live) for (const child of store.children(parentId)) emit(context, snapshot(child));
  let failures = 0;
  let problems: RefreshResult['problems'] = [];

  for (;;) {
    if (context.signal.aborted) break;
    const result = await refreshParents(context, [parentId], { detailAfterMs: Math.max(2 * intervalMs, 60_000) });
    problems = result.problems;
    failures = problems.length > 0 ? failures + 1 : 0;
    if (!live) {
      // changes of other parents' slot holders, refreshed on the way, are poll's business, not this watch's
      for (const change of result.changes) if (change.parent_id === parentId) emit(context, change);
      for (const problem of problems) context.warn(`${problem.service}: ${problem.message}${problem.auth ? '' : ' (will retry)'}`);
    }
    // a rejected token does not heal by waiting: stop like poll does, the jobs keep running
    if (problems.some((problem) => problem.auth)) {
      draw(context, store, live, parentId, problems, undefined);
      live?.done();
      return EXIT.auth;
    }
    const parent = store.get(parentId)!;
    if (parent.settled) {
      draw(context, store, live, parentId, problems, undefined);
      live?.done();
      return settledExitCode(parent, store.children(parentId));
    }
    const elapsed = context.now().getTime() - started;
    if (timeoutMs !== undefined && elapsed >= timeoutMs) {
      draw(context, store, live, parentId, problems, undefined);
      live?.done();
      context.info(`still running after ${options.timeout}; the jobs keep running (fedimpute watch ${parentId.slice(0, 8)} to follow again)`);
      return EXIT.pending;
    }
    // back off while services fail, up to five minutes between cycles
    let wait = failures > 0 ? Math.min(Math.max(intervalMs, 200) * 2 ** (failures - 1), MAX_BACKOFF_MS) : intervalMs;
    if (timeoutMs !== undefined) wait = Math.min(wait, Math.max(0, timeoutMs - elapsed));
    await countdown(context, store, live, parentId, problems, wait);
  }
  live?.done();
  context.info('stopped watching; the jobs keep running');
  return EXIT.interrupted;
}

function snapshot(child: import('../store/rows.js').JobRow): Change {
  return {
    at: child.updated_at,
    kind: 'child',
    id: child.id,
    parent_id: child.parent_job_id!,
    service_slug: child.service_slug,
    from: null,
    to: child.status,
    progress: child.progress,
    remote_job_id: child.remote_job_id,
    message: child.status === 'failed' ? child.last_error : child.message,
  };
}

function emit(context: Context, change: Change): void {
  if (context.globals.json) context.stdout.write(`${JSON.stringify(change)}\n`);
  else context.out(changeLine(change));
}

async function countdown(context: Context, store: Store, live: LiveArea | undefined, parentId: string, problems: RefreshResult['problems'], wait: number) {
  if (!live) return context.sleep(wait, context.signal);
  const until = Date.now() + wait;
  for (;;) {
    const left = until - Date.now();
    draw(context, store, live, parentId, problems, left);
    if (left <= 0 || context.signal.aborted) return;
    await context.sleep(Math.min(1000, left), context.signal);
  }
}

/** one frame of the live table; synchronous, so that the last frame is drawn before the area is closed */
function draw(context: Context, store: Store, live: LiveArea | undefined, parentId: string, problems: RefreshResult['problems'], nextPollMs: number | undefined): void {
  if (!live) return;
  const parent = store.get(parentId)!;
  const now = context.now();
  const { style } = context;
  const lines = [parentBlock(parent, style, now), childTable(store.children(parentId), style, now, true, context.stdout.columns)];
  for (const problem of problems) lines.push(style.yellow(`⚠ ${problem.service}: ${problem.message}${problem.auth ? '' : ' (will retry)'}`));
  lines.push(
    style.dim(
      nextPollMs === undefined
        ? parent.settled
          ? 'all children finished'
          : 'stopped watching · the jobs keep running'
        : `next poll in ${Math.ceil(nextPollMs / 1000)}s · Ctrl-C stops watching, jobs keep running`,
    ),
  );
  live.update(lines.join('\n'));
}
