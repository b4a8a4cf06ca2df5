/**
 * How far a parent's results have come, for the next command to suggest (domain/display.ts nextSteps):
 * which completed children have been downloaded (download records every file it writes) and where `combine`
 * wrote, when it has (its combine.json in `<out>/<parent folder>/combined/`, its default place).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResultsDone } from '../domain/display.js';
import type { JobReader } from '../store/reader.js';
import type { JobRow } from '../store/rows.js';
import { childFolder, COMBINED_FOLDER } from './layout.js';

/** `show` turns the combined folder's path into what the user reads (from the current folder on a terminal) */
export function resultsDone(reader: JobReader, children: readonly JobRow[], show: (path: string) => string = (path) => path): ResultsDone {
  const completed = children.filter((child) => child.status === 'completed').map((child) => child.id);
  if (completed.length === 0) return { downloaded: new Set(), combined: null };
  const rows = reader.downloadsOf(completed);
  const folders = new Set(rows.map((row) => join(dirname(childFolder(row)), COMBINED_FOLDER)));
  const combined = [...folders].find((folder) => existsSync(join(folder, 'combine.json')));
  return { downloaded: new Set(rows.map((row) => row.job_id)), combined: combined ? show(combined) : null };
}
