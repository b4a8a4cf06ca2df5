/**
 * What the user sees while files arrive. TTY (stderr): a bar per file in flight and one overall, with bytes
 * and speed, redrawn by log-update. Not a TTY: one tab-separated line per finished file on stdout
 * (`<service>\t<relative path>\t<size>\t<sha256>`). --json: nothing until the final document.
 */
import type { Context } from '../context.js';
import { formatBytes, progressBar } from '../output/format.js';
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
  private timer?: NodeJS.Timeout;
  private bytes = 0;
  private readonly started: number;

  private constructor(private readonly context: Context) {
    this.started = context.now().getTime();
  }

  static async create(context: Context): Promise<Progress> {
    const progress = new Progress(context);
    if (context.stderrTty && !context.globals.quiet && !context.globals.json) {
      const { createLiveArea } = await import('../output/live.js');
      progress.area = await createLiveArea(context.stderr);
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
      const mark = file.status === 'failed' ? context.errorStyle.red('✖') : file.status === 'listed' ? '·' : context.errorStyle.green('✔');
      this.finished.push(`${mark} ${file.service_slug}/${file.name}${file.size !== null ? `  ${formatBytes(file.size)}` : ''}${file.status === 'skipped' ? '  (already here)' : ''}`);
      return;
    }
    if (file.status === 'downloaded') context.out(tsvRow([file.service_slug, file.name, String(file.size), file.sha256 ?? '']));
  }

  private render(): void {
    if (!this.area) return;
    const lines = this.finished.slice(-8);
    for (const transfer of this.transfers.values()) {
      const seconds = Math.max(0.001, (this.context.now().getTime() - transfer.started) / 1000);
      const percent = transfer.total ? (transfer.done / transfer.total) * 100 : 0;
      const size = `${formatBytes(transfer.done)}${transfer.total ? ` / ${formatBytes(transfer.total)}` : ''}`;
      if (transfer.phase === 'wait') {
        lines.push(`${' '.repeat(20)} ${transfer.label}  waiting: another fedimpute download is fetching it`);
        continue;
      }
      const verb = transfer.phase === 'extract' ? 'decrypting' : 'downloading';
      lines.push(`${progressBar(percent, 20)} ${transfer.label}  ${verb} ${size}  ${formatBytes(transfer.done / seconds)}/s`);
    }
    const elapsed = Math.max(0.001, (this.context.now().getTime() - this.started) / 1000);
    lines.push(`overall: ${formatBytes(this.bytes)} in ${elapsed.toFixed(1)}s  ${formatBytes(this.bytes / elapsed)}/s  (${this.finished.length} files done)`);
    this.area.update(lines.join('\n'));
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    // the list of files follows on stdout: the live area has done its job
    this.area?.clear();
  }
}
