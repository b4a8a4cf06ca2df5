/**
 * `fedimpute download <parent> [--child id] [--out dir] [--keep-zips]`: bring the results of finished children
 * home into `<out>/<parent short id>-<name>/<service slug>/`, decrypting Michigan zips, and write manifest.json.
 * Exit 0 when everything asked for is here, 1 when a file or child failed (each listed), 4 for a rejected token.
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import { formatBytes } from '../output/format.js';
import { redact } from '../secrets.js';
import { OUTSIDE_ROOTS } from '../results/local.js';
import type { DownloadReport } from '../results/types.js';

export interface DownloadOptions {
  child?: string;
  out?: string;
  keepZips?: boolean;
  concurrency?: number;
  maxRatio?: number;
  maxSize?: number;
  maxEntries?: number;
}

export async function runDownload(options: DownloadOptions, context: Context, [reference]: string[]): Promise<number> {
  const store = await context.store();
  const parent = store.resolveParent(reference);
  const children = options.child ? [store.resolveChild(parent, options.child)] : store.children(parent.id);
  const [{ downloadParent }, { DEFAULT_LIMITS }] = await Promise.all([import('../results/run.js'), import('../results/zip/limits.js')]);
  const report = await downloadParent(context, store, {
    parent,
    children,
    outDir: options.out ?? '.',
    keepZips: Boolean(options.keepZips),
    concurrency: options.concurrency ?? 4,
    limits: {
      maxRatio: options.maxRatio ?? DEFAULT_LIMITS.maxRatio,
      maxBytes: options.maxSize ?? DEFAULT_LIMITS.maxBytes,
      maxEntries: options.maxEntries ?? DEFAULT_LIMITS.maxEntries,
    },
  });
  // a server naming files outside local_roots is worth a warning whatever the output mode
  for (const file of report.files) if (file.status === 'listed' && file.note?.startsWith(OUTSIDE_ROOTS)) context.warn(`${file.service_slug}: ${file.name} ${file.note}`);
  if (context.globals.json) {
    const { manifest: _manifest, ...document } = report;
    context.json(document);
  } else summarize(context, report);
  if (report.errors.some((error) => error.auth)) return EXIT.auth;
  return report.errors.length > 0 ? EXIT.runtime : EXIT.ok;
}

function summarize(context: Context, report: DownloadReport & { manifest: string }): void {
  const count = (status: string) => report.files.filter((file) => file.status === status);
  const downloaded = count('downloaded');
  const skipped = count('skipped');
  if (context.tty) {
    for (const file of downloaded) context.out(`${context.style.green('✔')} ${file.service_slug}/${file.name}  ${formatBytes(file.size ?? 0)}`);
  }
  for (const note of report.children) context.info(`${note.service_slug}: ${note.note}`);
  for (const file of count('listed')) if (!file.note?.startsWith(OUTSIDE_ROOTS)) context.info(`${file.service_slug}: ${file.name} not downloaded: ${file.note}`);
  const bytes = downloaded.reduce((sum, file) => sum + (file.size ?? 0), 0);
  const parts = [`${downloaded.length} file${downloaded.length === 1 ? '' : 's'} downloaded (${formatBytes(bytes)})`];
  if (skipped.length) parts.push(`${skipped.length} already here`);
  if (report.errors.length) parts.push(`${report.errors.length} failed`);
  context.info(`${parts.join(', ')}; manifest: ${report.manifest}`);
  for (const error of report.errors) context.stderr.write(`${context.errorStyle.red('error:')} ${redact(`${error.service_slug}: ${error.message}`)}\n`);
}
