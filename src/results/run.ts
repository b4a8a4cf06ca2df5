/**
 * `download` for one parent: every child that has results (completed, and the QC/statistics files that
 * failed Michigan jobs publish) is handled in parallel, files through one p-limit pool. Retired jobs are
 * refused; a completed job with no files yet is a note, not a failure.
 */
import { constants } from 'node:fs';
import { access, chmod, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Context } from '../context.js';
import { AuthError, EnvironmentError, RemoteError, UsageError } from '../errors.js';
import { TERMINAL } from '../domain/status.js';
import { serviceOfJob, ServiceGoneError } from '../registry/lookup.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import { downloadOutputs } from './child.js';
import type { ChildJob } from './job.js';
import { outputClaims, parentFolderName } from './layout.js';
import { writeManifest } from './manifest.js';
import { Progress } from './progress.js';
import type { DownloadReport } from './types.js';
import { ioFailure } from './write.js';
import type { ZipLimits } from './zip/limits.js';

export interface DownloadRun {
  parent: JobRow;
  children: JobRow[];
  outDir: string;
  keepZips: boolean;
  concurrency: number;
  limits: ZipLimits;
}

export async function downloadParent(context: Context, store: Store, run: DownloadRun): Promise<DownloadReport & { manifest: string }> {
  const outDir = resolve(context.cwd, run.outDir);
  const parentDir = join(outDir, parentFolderName(run.parent));
  const report: DownloadReport = { parent_job_id: run.parent.id, out_dir: outDir, files: [], errors: [], children: [] };
  const registry = await context.registry();
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(run.concurrency);
  // two zips at once keep both cores busy (this thread and the decryption worker) within the 150 MB budget
  const zipLimit = pLimit(Math.min(run.concurrency, 2));
  const { registerSecret } = await import('../secrets.js');
  await prepareFolder(parentDir, run.outDir);
  const progress = await Progress.create(context);
  try {
    // one folder per service; a service used with two panels gets one per panel
    const siblings = store.children(run.parent.id);
    const folderOf = (child: JobRow, slug: string) =>
      siblings.filter((sibling) => sibling.service_id === child.service_id).length > 1 ? `${slug}-panel${child.reference_panel_id}` : slug;
    await Promise.all(
      run.children.map(async (child) => {
        const slug = child.service_slug ?? `service-${child.service_id}`;
        const note = (text: string) => report.children.push({ child_id: child.id, service_slug: slug, status: child.status, note: text });
        const fail = (message: string, why: { auth?: true; registry?: true } = {}) => report.errors.push({ child_id: child.id, service_slug: slug, name: null, message, ...why });
        if (!TERMINAL.has(child.status)) return note(`still ${child.status}; nothing to download yet`);
        if (!child.remote_job_id) return note(`never reached ${slug}; nothing to download`);
        try {
          const adapter = await context.adapter(serviceOfJob(registry, child));
          const state = await adapter.status(child.remote_job_id);
          const expires = state.resultsExpireAt ?? child.results_expire_at;
          if (state.resultsExpireAt && state.resultsExpireAt !== child.results_expire_at) store.updateChild(child.id, { results_expire_at: state.resultsExpireAt });
          if (state.retired || (expires && Date.parse(expires) <= context.now().getTime())) {
            const when = expires ? ` on ${expires.slice(0, 10)}` : '';
            return fail(`${slug} deleted the results of job ${child.remote_job_id}${when} (retention period over, remote state ${state.rawState}); they can no longer be downloaded`);
          }
          const outputs = await adapter.outputs(child.remote_job_id);
          if (outputs.length === 0) {
            return note(child.status === 'completed' ? 'results not published yet; try again in a minute' : 'the service published no files for this job');
          }
          // a server may echo the password in an error about a file: known before any request, redacted everywhere
          registerSecret(child.result_password ?? undefined);
          const job: ChildJob = {
            store, child, slug, folder: join(parentDir, folderOf(child, slug)), download: adapter.download, keepZips: run.keepZips, limits: run.limits,
            claimOutput: outputClaims(), localRoots: adapter.capabilities.localRoots, progress, signal: context.signal, sleep: context.sleep, limit, zipLimit,
          };
          const files = await downloadOutputs(job, outputs);
          report.files.push(...files);
          for (const file of files) if (file.status === 'failed') report.errors.push({ child_id: child.id, service_slug: slug, name: file.name, message: file.note ?? 'failed' });
        } catch (error) {
          if (error instanceof AuthError) return fail(error.message, { auth: true });
          if (error instanceof ServiceGoneError) return fail(error.message, { registry: true });
          if (error instanceof RemoteError) return fail(error.message);
          throw error;
        }
      }),
    );
  } finally {
    progress.close();
  }
  const manifest = await writeManifest(store, store.get(run.parent.id)!, parentDir, context.now(), report.files.filter((file) => file.status === 'listed'));
  return { ...report, manifest };
}

/** --out must be a folder we can write: a refusal is the user's to fix (exit 2), said once, before any transfer */
async function prepareFolder(folder: string, out: string): Promise<void> {
  try {
    // results hold genotype data: the parent folder is private (0700), also when an older version made it 0755
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await chmod(folder, 0o700);
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = await realCode(folder, error);
    const why: Record<string, string> = {
      EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system',
      ENOTDIR: 'a file is in the way of the folder', EEXIST: 'a file is in the way of the folder',
    };
    if (!why[code]) throw new EnvironmentError(ioFailure(error, folder).message, { cause: error });
    throw new UsageError(`cannot write results to --out ${out}: ${why[code]} (${code} on ${folder})`, { hint: 'choose a folder you can write to with --out DIR' });
  }
}

/**
 * Node's recursive mkdir reports ENOENT for a folder it cannot create on a read-only file system: ask the
 * nearest existing ancestor what is really wrong.
 */
async function realCode(folder: string, error: unknown): Promise<string> {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code !== 'ENOENT') return code;
  for (let ancestor = dirname(folder); ancestor !== dirname(ancestor); ancestor = dirname(ancestor)) {
    const found = await access(ancestor, constants.F_OK).then(() => true, () => false);
    if (found) return access(ancestor, constants.W_OK).then(() => code, (refusal: NodeJS.ErrnoException) => refusal.code ?? code);
  }
  return code;
}
