/**
 * A Michigan chr_<N>.zip: one GET whose body goes both to the kept copy of the zip and through the zip reader,
 * so the results are extracted and verified while they arrive and are ready when the transfer ends. The copy is
 * what makes a counted download never wasted: whatever goes wrong with extraction, the transfer is finished
 * into it, and a wrong password, a full disk or a refused archive is dealt with without fetching again.
 */
import type { RemoteOutput } from '../adapters/types.js';
import type { ChildJob } from './job.js';
import { ZipExtraction, extractFile, type ExtractOptions, type ExtractedEntry } from './extract.js';
import { openTransfer } from './fetch.js';
import { FileFailure, PartFile, type FileDigest } from './write.js';
import { ZipError } from './zip/errors.js';

export interface ZipResult {
  entries: ExtractedEntry[];
  zip: FileDigest;
}

/** extract `name`, from the copy kept by an earlier run when there is one, else fetched and extracted at once */
export async function fetchAndExtract(job: ChildJob, output: RemoteOutput, name: string, zipPath: string, kept: FileDigest | undefined): Promise<ZipResult> {
  const options = extractOptions(job, output);
  if (kept) {
    const key = `${job.child.id}/${name}`;
    const onBytes = (done: number, total: number) => job.progress.update(key, `${job.slug}/${name}`, 'extract', done, total);
    const entries = await extractFile(zipPath, { ...options, onBytes })
      .catch((error: unknown) => {
        throw settle(job, error, name, zipPath, kept);
      })
      .finally(() => job.progress.end(key));
    return { entries, zip: kept };
  }
  return streamed(job, output, name, zipPath, options);
}

async function streamed(job: ChildJob, output: RemoteOutput, name: string, zipPath: string, options: ExtractOptions): Promise<ZipResult> {
  if (output.downloadsLeft === 0) throw new FileFailure(`${name}: the server allows no more downloads of this file (0 downloads left)`, 'exhausted');
  const key = `${job.child.id}/${name}`;
  const transfer = await openTransfer(job.download, output, name, {
    signal: job.signal,
    onBytes: (received, total) => job.progress.update(key, `${job.slug}/${name}`, 'download', received, total),
  });
  const extraction = new ZipExtraction(options);
  let copy: PartFile | undefined;
  // the transfer or the copy of the zip failed: nothing can be kept
  let lost: unknown;
  async function* tee(): AsyncGenerator<Uint8Array> {
    try {
      // fsync only for --keep-zips: else the copy is a means to extract, kept only when extraction cannot finish,
      // and verified again when it is extracted
      copy = await PartFile.create(zipPath, { durable: job.keepZips });
      for await (const chunk of transfer.chunks) {
        await copy.write(chunk);
        yield chunk;
      }
    } catch (error) {
      lost = error;
      throw error;
    }
  }
  const chunks = tee();
  let failure: unknown;
  try {
    await extraction.stream(chunks);
  } catch (error) {
    failure = error;
    // finish the transfer into the copy: this GET was counted (a failure here is `lost`)
    if (lost === undefined) await drain(chunks).catch(() => undefined);
  } finally {
    job.progress.end(key);
  }
  if (lost !== undefined) {
    transfer.cancel();
    await Promise.all([copy?.abort(), extraction.abort()]);
    throw lost;
  }
  let zip: FileDigest;
  try {
    zip = await copy!.commit();
    if (failure === undefined) await extraction.finish(zipPath);
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) {
    await extraction.abort();
    throw settle(job, failure, name, zipPath, zip!);
  }
  job.store.recordDownload({ job_id: job.child.id, name, path: zipPath, size: zip!.size, sha256: zip!.sha256 });
  return { entries: await extraction.publish(), zip: zip! };
}

async function drain(chunks: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of chunks) void chunk;
}

function extractOptions(job: ChildJob, output: RemoteOutput): ExtractOptions {
  return {
    password: job.child.result_password,
    folder: job.folder,
    limits: job.limits,
    claim: (entry) => job.claimOutput(entry, `${entry} from ${output.name}`),
  };
}

/**
 * The sentence for a failed zip, and the store's memory of it: a zip that arrived whole is recorded (extracting
 * it again needs no download), unless its contents are corrupt — then it is kept on disk for inspection but
 * forgotten, so that `fedimpute download` fetches it again.
 */
function settle(job: ChildJob, error: unknown, name: string, zipPath: string, fetched?: FileDigest): unknown {
  const record = () => fetched && job.store.recordDownload({ job_id: job.child.id, name, path: zipPath, size: fetched.size, sha256: fetched.sha256 });
  const kept = `the zip is kept at ${zipPath}`;
  if (error instanceof FileFailure) {
    if (fetched && error.kind !== 'truncated') record();
    return fetched ? new FileFailure(`${error.message} (${kept}; it is not fetched again)`, error.kind) : error;
  }
  if (!(error instanceof ZipError)) return error;
  if (error.problem === 'corrupt' || error.problem === 'format') {
    job.store.forgetDownload(job.child.id, name);
    const what = error.problem === 'corrupt' ? `${name}: ${error.message}` : `${name} is not a valid zip: ${error.message}`;
    return new FileFailure(`${what}; the zip is kept; \`fedimpute download\` retries it`, 'corrupt');
  }
  record();
  const again = `the downloaded zip is kept at ${zipPath}; download again extracts it without fetching it`;
  if (error.problem === 'password')
    return new FileFailure(`cannot decrypt ${name}: wrong password (the password stored for this job does not open it); ${again}`, 'password');
  if (error.problem === 'no-password') return new FileFailure(`cannot decrypt ${name}: no password is stored for this job; ${again}`, 'password');
  return new FileFailure(`${name}: ${error.message}; nothing was extracted; ${kept}`, 'refused');
}
