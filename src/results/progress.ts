/**
 * What the user sees while files arrive. TTY (stderr): aligned bars per file in flight and one overall line,
 * with bytes, rate and time left, fitted to the terminal (output/live.ts). Not a TTY: one tab-separated line per finished file on stdout
 * (`<service>\t<relative path>\t<size>\t<sha256>`). --json: nothing until the final document.
 */
import type { Context } from '../context.js';
import { formatBytes, formatEta, formatRate, percent, progressBar } from '../output/format.js';
import type { LiveArea } from '../output/live.js';
import type { FileResult } from './types.js';
import { tsvRow } from '../sanitize.js';

interface Transfer {
  label: string;
  phase: 'download' | 'extract' | 'wait';
  done: number;
  total?: number;
  started: number;
}

export class Progress {
  private readonly transfers = new Map<string, Transfer>();
  private readonly finished: string[] = [];
  private area?: LiveArea;
  private table?: typeof import('../output/table.js');
  private timer?: NodeJS.Timeout;
  private bytes = 0;
  private readonly started: number;

  private constructor(private readonly context: Context) {
    this.started = context.now().getTime();
  }

  static async create(context: Context): Promise<Progress> {
    const progress = new Progress(context);
    if (context.stderrTty && !context.globals.quiet && !context.globals.json) {
      const [{ createLiveArea }, table] = await Promise.all([import('../output/live.js'), import('../output/table.js')]);
      progress.area = createLiveArea(context.stderr, context.errorStyle.symbols.ellipsis);
      progress.table = table;
      context.stderrLive = progress.area;
      progress.timer = setInterval(() => progress.render(), 120);
      progress.timer.unref();
    }
    return progress;
  }

  update(key: string, label: string, phase: Transfer['phase'], done: number, total?: number): void {
    const transfer = this.transfers.get(key);
    if (!transfer || transfer.phase !== phase) {
      this.transfers.set(key, { label, phase, done, total, started: this.context.now().getTime() });
      if (phase === 'download') this.bytes += done;
      return;
    }
    if (phase === 'download') this.bytes += Math.max(0, done - transfer.done);
    transfer.done = done;
    transfer.total = total;
  }

  end(key: string): void {
    this.transfers.delete(key);
  }

  /** a file reached its final state */
  report(file: FileResult): void {
    const { context } = this;
    if (context.globals.json) return;
    if (this.area) {
      const { symbols } = context.errorStyle;
      const mark = file.status === 'failed' ? context.errorStyle.red(symbols.failed) : file.status === 'listed' ? symbols.dot : context.errorStyle.green(symbols.completed);
      this.finished.push(`${mark} ${file.service_slug}/${file.name}${file.size !== null ? `  ${formatBytes(file.size)}` : ''}${file.status === 'skipped' ? '  (already here)' : ''}`);
      return;
    }
    if (file.status === 'downloaded') context.out(tsvRow([file.service_slug, file.name, String(file.size), file.sha256 ?? '']));
  }

  private render(): void {
    if (!this.area || !this.table) return;
    const style = this.context.errorStyle;
    const rows: string[][] = [];
    for (const transfer of this.transfers.values()) {
      if (transfer.phase === 'wait') {
        rows.push(['', '', transfer.label, '', '', 'waiting: another fedimpute download is fetching it']);
        continue;
      }
      const elapsed = this.context.now().getTime() - transfer.started;
      const share = transfer.total ? (transfer.done / transfer.total) * 100 : 0;
      const size = `${formatBytes(transfer.done)}${transfer.total ? ` / ${formatBytes(transfer.total)}` : ''}`;
      const verb = transfer.phase === 'extract' ? 'decrypting' : formatRate((transfer.done / Math.max(1, elapsed)) * 1000);
      rows.push([progressBar(share, 20, style), transfer.total ? percent(share) : '', transfer.label, size, verb, formatEta(transfer.done, transfer.total, elapsed)]);
    }
    const columns = [
      { header: '', shrink: 'never' as const, optional: true },
      { header: '', shrink: 'never' as const, align: 'right' as const },
      { header: '', shrink: 'middle' as const, min: 12 },
      { header: '', shrink: 'never' as const, align: 'right' as const },
      { header: '', shrink: 'end' as const, align: 'right' as const, optional: true },
      { header: '', shrink: 'never' as const, optional: true },
    ];
    const elapsed = Math.max(0.001, (this.context.now().getTime() - this.started) / 1000);
    const overall = `overall: ${formatBytes(this.bytes)} in ${elapsed.toFixed(1)}s  ${formatRate(this.bytes / elapsed)}  (${this.finished.length} files done)`;
    const table = rows.length ? [this.table.renderTable(columns, rows, { tty: true, style, width: this.context.errorWidth, header: false })] : [];
    this.area.update([...this.finished.slice(-8), ...table, overall].join('\n'));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    // the list of files follows on stdout: the live area has done its job
    this.area?.clear();
    if (this.context.stderrLive === this.area) this.context.stderrLive = undefined;
  }
}
