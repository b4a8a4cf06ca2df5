/**
 * The results of one child: ask the service what it published, skip what is already complete on disk (recorded
 * in the store and present with the same size), fetch the rest once each, decrypt Michigan zips, record every
 * finished file. A failing file does not stop the others; it becomes one message.
 */
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import type { RemoteOutput } from '../adapters/types.js';
import type { DownloadRow } from '../store/rows.js';
import { LEASE_MS, currentOwner, ownerAlive } from '../lifecycle/owner.js';
import { fetchToFile } from './fetch.js';
import { destination, safeRelative } from './layout.js';
import { openLocalOutput, type LocalSource } from './local.js';
import { cleanLine, visible } from '../sanitize.js';
import type { ChildJob } from './job.js';
import type { FileResult } from './types.js';
import { FileFailure, ioFailure, PartFile, type FileDigest } from './write.js';

export async function downloadOutputs(job: ChildJob, outputs: RemoteOutput[]): Promise<FileResult[]> {
  // results hold genotype data: the folder is private even when an earlier version made it 0755
  await mkdir(job.folder, { recursive: true, mode: 0o700 });
  await chmod(job.folder, 0o700);
  const records = new Map(job.store.downloads(job.child.id).map((row) => [row.name, row]));
  // every listed file claims its output name first; a zip's entries claim theirs as they arrive
  const duplicates = new Map<RemoteOutput, string>();
  for (const output of outputs) {
    const name = safeRelative(output.name);
    const other = name && job.claimOutput(name, listed(name));
    if (other) duplicates.set(output, other);
  }
  const results = await Promise.all(
    outputs.map((output) => {
      const other = duplicates.get(output);
      if (other === undefined) return job.limit(() => one(job, output, records));
      const note = `${output.name}: the server lists it twice (${other} writes the same file); downloaded once`;
      return [{ child_id: job.child.id, service_slug: job.slug, name: output.name, path: null, size: null, sha256: null, status: 'failed', note } satisfies FileResult];
    }),
  );
  return results.flat();
}

/** the claim of a listed output on its own name */
export function listed(name: string): string {
  return `the listed file ${name}`;
}

async function one(job: ChildJob, output: RemoteOutput, records: Map<string, DownloadRow>): Promise<FileResult[]> {
  const base = { child_id: job.child.id, service_slug: job.slug };
  const failed = (name: string, message: string): FileResult[] => [{ ...base, name, path: null, size: null, sha256: null, status: 'failed', note: message }];
  const name = safeRelative(output.name);
  if (!name) return failed(visible(output.name), `${visible(output.name)}: unsafe file name from the server (control characters, an absolute path or ..); not downloaded`);
  const listed = (note: string): FileResult[] => [{ ...base, name, path: null, size: output.size ?? null, sha256: null, status: 'listed', note }];
  if (output.scheme === 'other') return listed(`${cleanLine(output.url)} (this scheme is not fetched by fedimpute; copy it yourself)`);
  const path = destination(job.folder, name);
  try {
    if (output.encrypted) return await zipOutput(job, output, name, path, records);
    const row = records.get(name);
    if (row && row.path === path && (await hasSize(path, row.size))) return [{ ...base, name, path: row.path, size: row.size, sha256: row.sha256, status: 'skipped', note: 'already downloaded' }];
    if (output.scheme === 'file') {
      const local = await openLocalOutput(output.url, job.localRoots);
      if (local.kind === 'refused') return listed(cleanLine(local.note));
      return await underClaim(job, name, output, records, async () => [record(job, name, path, await copyLocal(local, path, name))]).finally(() => local.handle.close().catch(() => undefined));
    }
    return await underClaim(job, name, output, records, async () => [record(job, name, path, await fetchOnce(job, output, path, name))]);
  } catch (error) {
    if (error instanceof FileFailure) return failed(name, error.message);
    if (job.signal.aborted) throw error;
    return failed(name, ioFailure(error, name).message);
  }
}

/** chr_<N>.zip: fetched once, recorded, extracted; the entries are the results, the zip goes unless --keep-zips */
async function zipOutput(job: ChildJob, output: RemoteOutput, name: string, zipPath: string, records: Map<string, DownloadRow>): Promise<FileResult[]> {
  const zipRow = records.get(name);
  // complete = recorded at this run's destination (another --out fetches again) with the recorded size
  const entryRows = [...records.values()].filter(
    (row) => row.name.startsWith(`${name}/`) && row.path === destination(job.folder, row.name.slice(name.length + 1)),
  );
  if (zipRow && entryRows.length > 0 && (await allPresent(entryRows))) {
    return entryRows.map((row) => ({ child_id: job.child.id, service_slug: job.slug, name: row.name.slice(name.length + 1), path: row.path, size: row.size, sha256: row.sha256, status: 'skipped', note: `already extracted from ${name}` }));
  }
  return underClaim(job, name, output, records, () => job.zipLimit(async () => {
    // a zip fetched earlier whose extraction failed (e.g. a wrong password) is not fetched again
    const kept = zipRow && zipRow.path === zipPath && (await hasSize(zipPath, zipRow.size)) ? zipRow : undefined;
    const { fetchAndExtract } = await import('./zip-output.js');
    const { entries, zip } = await fetchAndExtract(job, output, name, zipPath, kept);
    const results = entries.map((entry) => record(job, entry.name, entry.path, entry, `${name}/${entry.name}`, `from ${name}`));
    if (job.keepZips) results.push({ child_id: job.child.id, service_slug: job.slug, name, path: zipPath, size: zip.size, sha256: zip.sha256, status: 'downloaded', note: 'kept (--keep-zips)' });
    else await rm(zipPath, { force: true });
    return results;
  }));
}

/**
 * Run `work` holding this file's claim in the store. When another `download` holds it, wait for that one
 * to finish and look again: usually the file is then complete and is skipped, never fetched twice.
 */
async function underClaim(
  job: ChildJob,
  name: string,
  output: RemoteOutput,
  records: Map<string, DownloadRow>,
  work: () => Promise<FileResult[]>,
): Promise<FileResult[]> {
  const owner = currentOwner();
  const claims = job.store.claims;
  if (!claims.claim(job.child.id, name, owner, LEASE_MS, ownerAlive)) {
    job.progress.update(`${job.child.id}/${name}`, `${job.slug}/${name}`, 'wait', 0);
    while (!claims.claim(job.child.id, name, owner, LEASE_MS, ownerAlive)) {
      await job.sleep(300, job.signal);
      if (job.signal.aborted) throw new FileFailure(`${name}: interrupted`, 'io');
    }
    job.progress.end(`${job.child.id}/${name}`);
  }
  // another run may have finished this file between our look at the store and our claim: look again
  const fresh = new Map(job.store.downloads(job.child.id).map((row) => [row.name, row]));
  if (recordsOf(fresh, name) !== recordsOf(records, name)) {
    claims.drop(job.child.id, name, owner);
    return one(job, output, fresh);
  }
  const heartbeat = setInterval(() => claims.renew(job.child.id, name, owner, LEASE_MS), LEASE_MS / 3);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    claims.drop(job.child.id, name, owner);
  }
}

/** what the store says about a file (and a zip's entries), to notice another run's work */
function recordsOf(records: Map<string, DownloadRow>, name: string): string {
  return JSON.stringify([...records.values()].filter((row) => row.name === name || row.name.startsWith(`${name}/`)));
}

async function fetchOnce(job: ChildJob, output: RemoteOutput, path: string, name: string): Promise<FileDigest> {
  if (output.downloadsLeft === 0)
    throw new FileFailure(`${name}: the server allows no more downloads of this file (0 downloads left)`, 'exhausted');
  const key = `${job.child.id}/${name}`;
  try {
    return await fetchToFile(job.download, output, path, name, {
      signal: job.signal,
      onBytes: (received, total) => job.progress.update(key, `${job.slug}/${name}`, 'download', received, total),
    });
  } finally {
    job.progress.end(key);
  }
}

function record(job: ChildJob, name: string, path: string, digest: FileDigest, storeName = name, note: string | null = null): FileResult {
  job.store.recordDownload({ job_id: job.child.id, name: storeName, path, size: digest.size, sha256: digest.sha256 });
  const result: FileResult = { child_id: job.child.id, service_slug: job.slug, name, path, size: digest.size, sha256: digest.sha256, status: 'downloaded', note };
  job.progress.report(result);
  return result;
}

async function hasSize(path: string, size: number): Promise<boolean> {
  return stat(path).then((info) => info.isFile() && info.size === size, () => false);
}

async function allPresent(rows: DownloadRow[]): Promise<boolean> {
  return (await Promise.all(rows.map((row) => hasSize(row.path, row.size)))).every(Boolean);
}

async function copyLocal(source: Extract<LocalSource, { kind: 'file' }>, path: string, name: string): Promise<FileDigest> {
  const file = await PartFile.create(path);
  try {
    for await (const chunk of source.handle.createReadStream({ autoClose: false, start: 0 }) as AsyncIterable<Buffer>) await file.write(chunk);
    return await file.commit();
  } catch (error) {
    await file.abort();
    throw ioFailure(error, path);
  }
}
