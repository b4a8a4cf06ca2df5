/**
 * The demo's last screens: what came back (every file of every service, and the combined files) and the
 * accuracy table against the truth — a row per service alone, then the combined row, the one that shows
 * why one would federate. `--json` prints the same as one document.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Context } from '../context.js';
import type { renderTable as render } from '../output/table.js';
import type { ServiceAccuracy } from '../sandbox/report.js';

/** the folder `combine` writes into, inside the parent's results folder */
export const COMBINED_FOLDER = 'combined';

export interface DemoFile {
  /** a service slug, or `combined` */
  service: string;
  /** relative to the service's folder */
  name: string;
  path: string;
  bytes: number;
}

export interface DemoSummary {
  parentId: string;
  folder: string;
  files: DemoFile[];
  /** how `combine` combined the services' results, and its file */
  combined: { method: string; path: string };
  scores: ServiceAccuracy[];
}

/** the parent's folder under <keep> (`<short id>-<name>`, made by download) and every file in its service folders */
export async function resultFiles(keep: string, parentId: string): Promise<{ folder: string; files: DemoFile[] }> {
  const [entry] = (await readdir(keep, { withFileTypes: true })).filter(
    (candidate) => candidate.isDirectory() && candidate.name.startsWith(parentId.slice(0, 8)),
  );
  const folder = join(keep, entry?.name ?? parentId.slice(0, 8));
  const files: DemoFile[] = [];
  for (const service of entry ? await readdir(folder, { withFileTypes: true }) : []) {
    if (!service.isDirectory()) continue;
    const root = join(folder, service.name);
    for (const path of await walk(root)) {
      files.push({ service: service.name, name: relative(root, path), path, bytes: (await stat(path)).size });
    }
  }
  // the services' folders by name, the combined one last
  const rank = (file: DemoFile) => (file.service === COMBINED_FOLDER ? 1 : 0);
  files.sort((a, b) => rank(a) - rank(b) || a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
  return { folder, files };
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && !entry.name.startsWith('.')) found.push(path);
  }
  return found;
}

export async function printSummary(context: Context, summary: DemoSummary, heading: (name: string, what: string) => void, kept = true): Promise<void> {
  const [{ formatBytes }, { renderTable }] = await Promise.all([import('../output/format.js'), import('../output/table.js')]);
  const { parentId, folder, files, scores } = summary;
  if (context.globals.json) {
    context.json({
      parent_job_id: parentId, results_dir: folder,
      files: files.map((file) => ({ service: file.service, path: file.path, bytes: file.bytes })),
      combined: summary.combined,
      accuracy: scores.map((score) => ({
        service: score.service, panel: score.panel,
        bins: score.bins.map((bin) => ({ maf: bin.label, variants: bin.variants, imputed: bin.imputed, mean_r2: bin.meanR2 })),
      })),
    });
    return;
  }
  const services = new Set(files.map((file) => file.service).filter((service) => service !== COMBINED_FOLDER)).size;
  heading('results', `${files.length} files from ${services} services and combine${kept ? `, in ${folder}` : ''}`);
  const rows = files.map((file) => [file.service, file.name, context.tty ? formatBytes(file.bytes) : String(file.bytes)]);
  const table = { tty: context.tty, style: context.style, width: context.width };
  context.out(renderTable([{ header: 'SERVICE', shrink: 'never' }, { header: 'FILE', shrink: 'middle' }, { header: 'SIZE', shrink: 'never', align: 'right' }], rows, table));
  heading('accuracy', 'mean r² between imputed dosage and the true genotypes, by minor allele frequency (variants not on the chip)');
  context.out(accuracyTable(context, scores, renderTable));
  const done = context.errorStyle.green(`${context.errorStyle.symbols.completed} demo complete`);
  context.info(kept ? `${done}: decrypted and combined results in ${folder}` : `${done}; the results were in a temporary folder, now removed (fedimpute demo --keep DIR keeps them)`);
}

/** a row per service, then the combined row: mean r² per MAF bin, then how many of the truth's variants it holds */
function accuracyTable(context: Context, scores: ServiceAccuracy[], renderTable: typeof render): string {
  const bins = scores[0]?.bins ?? [];
  const rows = scores.map((score) => {
    const variants = score.bins.reduce((sum, bin) => sum + bin.variants, 0);
    const imputed = score.bins.reduce((sum, bin) => sum + bin.imputed, 0);
    return [score.service, score.panel, ...score.bins.map((bin) => (bin.imputed > 0 ? bin.meanR2.toFixed(3) : '-')), `${imputed}/${variants}`];
  });
  const columns = [
    { header: 'SERVICE', shrink: 'never' as const },
    { header: 'PANEL', shrink: 'end' as const, optional: true },
    ...bins.map((bin) => ({ header: bin.label, align: 'right' as const, shrink: 'never' as const })),
    { header: 'VARIANTS', align: 'right' as const, shrink: 'never' as const },
  ];
  return renderTable(columns, rows, { tty: context.tty, style: context.style, width: context.width });
}
