/**
 * Uploading every child of a parent at once, under p-limit. A service that refuses fails only its own
 * child; a full per-user limit leaves the child waiting for `poll`/`watch`. On a terminal the
 * per-child progress is redrawn on stderr.
 */
import type { Context } from '../context.js';
import { AuthError } from '../errors.js';
import { formatBytes, progressBar } from '../output/format.js';
import type { Store } from '../store/store.js';
import { submitChild, type ChildSubmitResult } from './submitter.js';

export interface UploadOutcome {
  results: Map<string, ChildSubmitResult>;
  authError?: AuthError;
}

export async function uploadChildren(context: Context, store: Store, parentId: string, concurrency: number): Promise<UploadOutcome> {
  const [{ default: pLimit }, registry, { serviceOfJob }] = await Promise.all([import('p-limit'), context.registry(), import('../registry/lookup.js')]);
  const limit = pLimit(Math.max(1, concurrency));
  const children = store.children(parentId).filter((child) => !child.remote_job_id && child.status === 'queued');
  const progress = new Map<string, { sent: number; total: number; state: string }>();
  const display = context.stderrTty && !context.globals.quiet && !context.globals.json ? await startDisplay(context, children.map((child) => child.id), progress, store) : undefined;
  const outcome: UploadOutcome = { results: new Map() };
  await Promise.all(
    children.map((child) =>
      limit(async () => {
        const service = serviceOfJob(registry, child);
        progress.set(child.id, { sent: 0, total: 0, state: 'uploading' });
        try {
          const adapter = await context.adapter(service);
          const result = await submitChild(store, adapter, child.id, {
            signal: context.signal,
            onProgress: (sent, total) => progress.set(child.id, { sent, total, state: 'uploading' }),
          });
          outcome.results.set(child.id, result);
          progress.set(child.id, { ...(progress.get(child.id) ?? { sent: 0, total: 0 }), state: result.kind });
        } catch (error) {
          if (!(error instanceof AuthError)) throw error;
          outcome.authError ??= error;
          progress.set(child.id, { sent: 0, total: 0, state: 'auth' });
        }
      }),
    ),
  );
  display?.stop();
  return outcome;
}

async function startDisplay(
  context: Context,
  childIds: string[],
  progress: Map<string, { sent: number; total: number; state: string }>,
  store: Store,
) {
  const { createLiveArea, spinnerFrame } = await import('../output/live.js');
  const area = await createLiveArea(context.stderr);
  const labels = new Map(childIds.map((id) => [id, store.get(id)?.service_slug ?? id.slice(0, 8)]));
  const style = context.errorStyle;
  let tick = 0;
  const draw = () => {
    tick++;
    const lines = childIds.map((id) => {
      const entry = progress.get(id);
      const label = (labels.get(id) ?? '').padEnd(12);
      if (!entry) return `${style.gray('○')} ${label} waiting`;
      if (entry.state === 'uploading') {
        const percent = entry.total ? (entry.sent / entry.total) * 100 : 0;
        return `${style.cyan(spinnerFrame(tick))} ${label} ${progressBar(percent, 20)} ${percent.toFixed(0).padStart(3)}%  ${formatBytes(entry.sent)} / ${formatBytes(entry.total)}`;
      }
      const symbol = entry.state === 'submitted' || entry.state === 'found' ? style.green('✔') : entry.state === 'waiting-slot' ? style.yellow('…') : style.red('✖');
      return `${symbol} ${label} ${entry.state}`;
    });
    area.update(lines.join('\n'));
  };
  const timer = setInterval(draw, 100);
  draw();
  return {
    stop: () => {
      clearInterval(timer);
      area.clear();
    },
  };
}
