/**
 * Uploading every child of a parent at once, under p-limit. A service that refuses fails only its own
 * child; a full per-user limit leaves the child waiting for `poll`/`watch`. On a terminal the per-child
 * progress is redrawn on stderr: aligned bars with bytes, rate and time left. Ctrl-C (the context's
 * signal) aborts the uploads in flight and starts no other (interrupt.ts settles what they leave).
 */
import type { Context } from '../context.js';
import { AuthError } from '../errors.js';
import { formatBytes, formatEta, formatRate, percent, progressBar } from '../output/format.js';
import type { Store } from '../store/store.js';
import { submitChild, type ChildSubmitResult } from './submitter.js';

export interface UploadOutcome {
  results: Map<string, ChildSubmitResult>;
  authError?: AuthError;
  /** children whose request body went out whole (a job may exist even if the answer was lost) */
  sentWhole: Set<string>;
}

interface Transfer {
  sent: number;
  total: number;
  /** when the upload started (ms, the context's clock) */
  started: number;
  state: 'waiting' | 'uploading' | ChildSubmitResult['kind'] | 'auth' | 'interrupted';
}

export async function uploadChildren(context: Context, store: Store, parentId: string, concurrency: number): Promise<UploadOutcome> {
  const [{ default: pLimit }, registry, { serviceOfJob }] = await Promise.all([import('p-limit'), context.registry(), import('../registry/lookup.js')]);
  const limit = pLimit(Math.max(1, concurrency));
  const children = store.children(parentId).filter((child) => !child.remote_job_id && child.status === 'queued');
  const transfers = new Map(children.map((child) => [child.id, { sent: 0, total: 0, started: 0, state: 'waiting' } as Transfer]));
  const display = context.stderrTty && !context.globals.quiet && !context.globals.json ? await startDisplay(context, store, transfers) : undefined;
  const outcome: UploadOutcome = { results: new Map(), sentWhole: new Set() };
  await Promise.all(
    children.map((child) =>
      limit(async () => {
        const transfer = transfers.get(child.id)!;
        // interrupted: start nothing more
        if (context.signal.aborted) return void (transfer.state = 'interrupted');
        const service = serviceOfJob(registry, child);
        Object.assign(transfer, { state: 'uploading', started: context.now().getTime() });
        try {
          const adapter = await context.adapter(service);
          const result = await submitChild(store, adapter, child.id, {
            signal: context.signal,
            onProgress: (sent, total) => {
              Object.assign(transfer, { sent, total });
              if (total > 0 && sent >= total) outcome.sentWhole.add(child.id);
            },
          });
          outcome.results.set(child.id, result);
          transfer.state = context.signal.aborted && result.kind === 'unconfirmed' ? 'interrupted' : result.kind;
        } catch (error) {
          if (!(error instanceof AuthError)) throw error;
          outcome.authError ??= error;
          transfer.state = 'auth';
        }
        // each child's outcome is drawn at once, however fast its upload was
        display?.draw();
      }),
    ),
  );
  display?.stop();
  return outcome;
}

/** what a finished transfer says, in words a user knows */
const DONE_WORDS: Record<string, string> = {
  submitted: 'accepted by the service',
  found: 'found on the service (an earlier upload arrived)',
  'waiting-slot': 'waiting for a free slot; poll or watch uploads it when one frees',
  rejected: 'refused by the service',
  canceled: 'canceled',
  unconfirmed: 'no answer; checking whether the upload arrived on the next poll',
  skipped: 'being uploaded by another fedimpute',
  auth: 'the service rejected the token',
  interrupted: 'interrupted',
  waiting: 'waiting to start',
};

async function startDisplay(context: Context, store: Store, transfers: Map<string, Transfer>) {
  const [{ spinnerFrame }, { animate }, { renderTable }] = await Promise.all([import('../output/live.js'), import('../output/spinner.js'), import('../output/table.js')]);
  const style = context.errorStyle;
  const labels = new Map([...transfers.keys()].map((id) => [id, store.get(id)?.service_slug ?? id.slice(0, 8)]));
  const frame = (tick: number) => {
    const now = context.now().getTime();
    const rows = [...transfers].map(([id, transfer]) => {
      const label = labels.get(id) ?? '';
      if (transfer.state !== 'uploading') {
        const good = transfer.state === 'submitted' || transfer.state === 'found';
        const mark = good ? style.green(style.symbols.completed) : transfer.state === 'waiting' || transfer.state === 'waiting-slot' ? style.gray(style.symbols.queued) : style.yellow(style.symbols.attention);
        return [mark, label, '', '', '', '', DONE_WORDS[transfer.state] ?? transfer.state];
      }
      const share = transfer.total ? (transfer.sent / transfer.total) * 100 : 0;
      const elapsed = now - transfer.started;
      return [
        style.cyan(spinnerFrame(tick, style.symbols.spinner)),
        label,
        progressBar(share, 20, style),
        percent(share),
        `${formatBytes(transfer.sent)} / ${formatBytes(transfer.total)}`,
        formatRate(elapsed > 0 ? (transfer.sent / elapsed) * 1000 : 0),
        formatEta(transfer.sent, transfer.total, elapsed),
      ];
    });
    const columns = [
      { header: '', shrink: 'never' as const },
      { header: '', shrink: 'never' as const },
      { header: '', shrink: 'never' as const, optional: true },
      { header: '', shrink: 'never' as const, align: 'right' as const },
      { header: '', shrink: 'never' as const, align: 'right' as const, optional: true },
      { header: '', shrink: 'never' as const, align: 'right' as const, optional: true },
      { header: '', shrink: 'end' as const },
    ];
    return renderTable(columns, rows, { tty: true, style, width: context.errorWidth, header: false });
  };
  const live = animate(context, frame, 100);
  return { stop: live.stop, draw: live.redraw };
}
