/**
 * `fedimpute download <parent> [--child id] [--out dir] [--keep-zips]`: bring the results of finished children
 * home into `<out>/<parent short id>-<name>/<service slug>/`, decrypting Michigan zips, and write manifest.json.
 * Exit 0 when everything asked for is here, 1 when a file or child failed (each listed), 4 for a rejected token,
 * 8 when some children have not finished yet (what is ready is fetched; the pending ones are named).
 */
import type { Context } from '../context.js';
import { EXIT } from '../errors.js';
import type { DownloadReport } from '../results/types.js';
import type { JobRow } from '../store/rows.js';
import { byteSize, count, examples, flag, positiveInteger, positiveNumber, text, type RawOptions, type Registration } from './options.js';

export interface DownloadOptions {
  /** parent id, unique prefix (≥4) or `last` */
  parent: string;
  /** only this child (id prefix or service slug) */
  child?: string;
  /** where the parent's folder goes (default: the current directory) */
  out?: string;
  keepZips?: boolean;
  /** files at once (default 4) */
  concurrency?: number;
  /** a zip may extract to at most this many times its size (default 10) */
  maxRatio?: number;
  /** a zip may extract to at most this many bytes (default 1 TiB) */
  maxSize?: number;
  /** a zip may hold at most this many entries (default 1000) */
  maxEntries?: number;
}

export function downloadOptions(raw: RawOptions, [parent]: string[]): DownloadOptions {
  return {
    parent, child: text(raw, 'child'), out: text(raw, 'out'), keepZips: flag(raw, 'keepZips'), concurrency: count(raw, 'concurrency'),
    maxRatio: count(raw, 'maxRatio'), maxSize: count(raw, 'maxSize'), maxEntries: count(raw, 'maxEntries'),
  };
}

export const registerDownload: Registration = (program, register) => {
  const command = program
    .command('download')
    .description('fetch the results of finished children into <out>/<parent>/<service>/, decrypting Michigan zips')
    .argument('<parent>', 'parent id, unique prefix (≥4) or `last`')
    .option('--child <id>', 'only this child (id prefix or service slug)')
    .option('--out <dir>', 'where to put the parent\'s folder (default: the current directory)')
    .option('--keep-zips', 'keep the Michigan chr_N.zip files after extracting them')
    .addOption(program.createOption('--concurrency <n>', 'files at once').default(4).argParser(positiveInteger('--concurrency')))
    .addOption(program.createOption('--max-ratio <n>', 'refuse a zip that extracts to more than n times its size (default 10)').argParser(positiveNumber('--max-ratio')))
    .addOption(program.createOption('--max-size <size>', 'refuse a zip that extracts to more than this, e.g. 500G (default 1T)').argParser(byteSize('--max-size')))
    .addOption(program.createOption('--max-entries <n>', 'refuse a zip with more entries than this (default 1000)').argParser(positiveInteger('--max-entries')));
  examples(command, [
    ['fedimpute download last --out results/', 'everything that finished, decrypted, with manifest.json'],
    ['fedimpute download 3f2a --child h3africa --keep-zips', "one child's results, keeping the encrypted zips too"],
    ['fedimpute download 3f2a --json', 'the files fetched as JSON (exit 8 while children are still running)'],
  ]);
  command.action(register(downloadOptions, async () => runDownload));
};

export async function runDownload(options: DownloadOptions, context: Context): Promise<number> {
  const [store, { resolveChild, resolveParent }, { downloadParent }, { OUTSIDE_ROOTS }, { DEFAULT_LIMITS }] = await Promise.all([
    context.store(),
    import('../lifecycle/resolve.js'),
    import('../results/run.js'),
    import('../results/local.js'),
    import('../results/zip/limits.js'),
  ]);
  const parent = resolveParent(store, options.parent);
  const children = options.child ? [resolveChild(store, parent, options.child)] : store.children(parent.id);
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
  } else await summarize(context, report, OUTSIDE_ROOTS);
  if (report.errors.some((error) => error.auth)) return EXIT.auth;
  if (report.errors.some((error) => error.registry)) return EXIT.usage;
  if (report.errors.length > 0) return EXIT.runtime;
  return pendingExit(context, parent.id, children);
}

/** children still unfinished: named, with the command that fetches them later; exit 8 (still pending) */
function pendingExit(context: Context, parentId: string, children: JobRow[]): number {
  const pending = children.filter((child) => child.status === 'queued' || child.status === 'running');
  if (pending.length === 0) return EXIT.ok;
  const names = pending.map((child) => `${child.service_slug} (${child.status})`).join(', ');
  context.warn(`not finished yet: ${names}; run fedimpute download ${parentId.slice(0, 8)} again once they are (fedimpute watch ${parentId.slice(0, 8)} follows them)`);
  return EXIT.pending;
}

async function summarize(context: Context, report: DownloadReport & { manifest: string }, outsideRoots: string): Promise<void> {
  const { formatBytes, shownPath } = await import('../output/format.js');
  const count = (status: string) => report.files.filter((file) => file.status === status);
  const downloaded = count('downloaded');
  const skipped = count('skipped');
  if (context.tty) {
    const { renderTable } = await import('../output/table.js');
    const { style } = context;
    const rows = downloaded.map((file) => [`${style.green(style.symbols.completed)} ${file.service_slug}/${file.name}`, formatBytes(file.size ?? 0)]);
    const columns = [{ header: '', shrink: 'middle' as const, min: 12 }, { header: '', shrink: 'never' as const, align: 'right' as const }];
    if (rows.length) context.out(renderTable(columns, rows, { tty: true, style, width: context.width, header: false }));
  }
  // a child still running is named once, by pendingExit
  for (const note of report.children) if (note.status !== 'queued' && note.status !== 'running') context.info(`${note.service_slug}: ${note.note}`);
  for (const file of count('listed')) if (!file.note?.startsWith(outsideRoots)) context.info(`${file.service_slug}: ${file.name} not downloaded: ${file.note}`);
  const bytes = downloaded.reduce((sum, file) => sum + (file.size ?? 0), 0);
  const parts = [`${downloaded.length} file${downloaded.length === 1 ? '' : 's'} downloaded (${formatBytes(bytes)})`];
  if (skipped.length) parts.push(`${skipped.length} already here`);
  if (report.errors.length) parts.push(`${report.errors.length} failed`);
  // on a terminal: the manifest's path from the current folder
  const manifest = context.stderrTty ? shownPath(report.manifest, context.cwd) : report.manifest;
  context.info(`${parts.join(', ')}; manifest: ${manifest}`);
  for (const error of report.errors) context.error(`${error.service_slug}: ${error.message}`);
}
