/**
 * manifest.json in the parent's folder: what was run (inputs with sha256, options, each child's service,
 * panel, remote id, status and times) and what came back (every recorded file with size and sha256) —
 * enough to reproduce and cite the run. Rewritten after each download run; mode 0600 (it names remote
 * job ids, which are not public). Never the result password.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { shownMessage } from '../domain/display.js';
import { inputsOf, jsonOf } from '../store/columns.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { FileResult } from './types.js';

const require = createRequire(import.meta.url);

/** `listed`: this run's outputs that were named but not fetched (another scheme, a path outside local_roots) */
export async function writeManifest(store: Store, parent: JobRow, parentDir: string, now: Date, listed: FileResult[] = []): Promise<string> {
  const { version } = require('../../package.json') as { version: string };
  const inputs = inputsOf(parent);
  const manifest = {
    manifest_version: 1,
    generated_at: now.toISOString(),
    generator: `fedimpute ${version}`,
    parent: {
      id: parent.id, name: parent.name, description: parent.description, status: parent.status, message: parent.message,
      created_at: parent.created_at, started_at: parent.started_at, completed_at: parent.completed_at,
    },
    inputs: inputs.map((input) => ({ name: input.name, path: input.path, size: input.size, sha256: input.sha256 })),
    options: jsonOf(parent.options, {}),
    children: store.children(parent.id).map((child) => ({
      id: child.id,
      service: { id: child.service_id, slug: child.service_slug, name: child.service_name, type: child.service_type },
      panel: { id: child.reference_panel_id, name: child.panel_name },
      remote_job_id: child.remote_job_id,
      status: child.status,
      remote_state: child.remote_state,
      attempt: child.attempt,
      message: shownMessage(child),
      submitted_at: child.submitted_at,
      started_at: child.started_at,
      completed_at: child.completed_at,
      results_expire_at: child.results_expire_at,
      options: jsonOf(child.options, {}),
      files: store.downloads(child.id).map((row) => ({
        name: row.name,
        path: relative(parentDir, row.path),
        size: row.size,
        sha256: row.sha256,
        downloaded_at: row.completed_at,
        // an archive is a means to its entries: gone after extraction unless --keep-zips (its digest stays, as what was received)
        ...(row.name.endsWith('.zip') ? { archive: true, kept: existsSync(row.path) } : {}),
      })),
      not_fetched: listed.filter((file) => file.child_id === child.id).map((file) => ({ name: file.name, note: file.note })),
    })),
  };
  const path = join(parentDir, 'manifest.json');
  const temporary = join(parentDir, '.manifest.json.part');
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}
