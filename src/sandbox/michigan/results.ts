/**
 * Result files of a finished job, written to disk streaming: per chromosome an encrypted chr_<N>.zip (real
 * ZipCrypto or AES-256, made with zip.js) holding the imputed dose/info(/empiricalDose) files (imputation.ts),
 * plus the QC report and statistics that even failed jobs publish. The decrypted contents are recorded for
 * tests (expectedResults).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { bgzfBlocksSync } from '../../vcf/bgzf-write.js';
import type { EmulatorJob, ExpectedFile, ImputedChromosome, OutputFile } from './types.js';

const KEEP_CONTENT = 16 << 20;

export interface ResultSettings {
  downloadLimit: number;
  syntheticResultBytes?: number;
}

/** Apache commons-io byteCountToDisplaySize, which Cloudgene uses: integer division, "314 MB". */
export function displaySize(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 'TB'], [2 ** 30, 'GB'], [2 ** 20, 'MB'], [2 ** 10, 'KB']];
  for (const [size, unit] of units) if (bytes >= size) return `${Math.floor(bytes / size)} ${unit}`;
  return `${bytes} bytes`;
}

async function addOutput(job: EmulatorJob, name: string, group: OutputFile['group'], settings: ResultSettings): Promise<void> {
  const path = join(job.dir, 'outputs', name);
  const bytes = (await stat(path)).size;
  job.outputs.push({ name, path, bytes, group, hash: randomBytes(32).toString('hex'), count: settings.downloadLimit });
}

async function writeText(job: EmulatorJob, name: string, text: string, group: OutputFile['group'], settings: ResultSettings): Promise<void> {
  const path = join(job.dir, 'outputs', name);
  await mkdir(dirname(path), { recursive: true });
  const content = Buffer.from(text);
  await writeFile(path, content);
  job.expected.set(name, { size: content.length, sha256: createHash('sha256').update(content).digest('hex'), content });
  await addOutput(job, name, group, settings);
}

/** QC report and statistics: published for successful and failed jobs alike. */
export async function writeQcFiles(job: EmulatorJob, settings: ResultSettings): Promise<void> {
  if (job.outputs.some((output) => output.group === 'qcreport')) return;
  const stats = job.validated;
  const report = [
    `Input files: ${job.files.length}`,
    `Samples: ${stats?.samples ?? 0}`,
    `Chromosomes: ${stats?.chromosomes.join(' ') ?? ''}`,
    `Variants: ${stats?.records ?? 0}`,
    `Errors: ${stats?.errors.length ?? 0}`,
    ...(stats?.errors ?? []),
    '',
  ].join('\n');
  await writeText(job, 'qc_report.txt', report, 'qcreport', settings);
  await writeText(job, 'quality-control.html', `<html><body><h1>Quality Control</h1><pre>${report}</pre></body></html>\n`, 'qcreport', settings);
  await writeText(job, 'statistics/snps-excluded.txt', 'SNP\tFILTER\tINFO\n', 'statistics', settings);
  await writeText(job, 'statistics/chunks-excluded.txt', '#Chunk\tSNPs (#)\tReference Overlap (%)\tLow Sample Call Rates (#)\n', 'statistics', settings);
}

function recorder(job: EmulatorJob, key: string): PassThrough {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (size <= KEEP_CONTENT) chunks.push(chunk);
  });
  tap.on('end', () => {
    const entry: ExpectedFile = { size, sha256: hash.digest('hex') };
    if (size <= KEEP_CONTENT) entry.content = Buffer.concat(chunks);
    job.expected.set(key, entry);
  });
  return tap;
}

/**
 * A file's bytes, then (for benchmarks that want big downloads) stored BGZF blocks of filler records up to
 * about `padTo` bytes: gunzip reads on through the first file's EOF block, the content is never parsed.
 */
async function* padded(path: string, padTo: number): AsyncGenerator<Buffer> {
  let written = 0;
  for await (const chunk of createReadStream(path)) {
    written += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (written >= padTo) return;
  const filler = bgzfBlocksSync(Buffer.from('X\t1\t.\tA\tC\t.\tPASS\tIMPUTED\tGT:DS\t0|0:0.000\n'.repeat(16384)), 0);
  for (; written < padTo; written += filler.length) yield filler;
}

async function addFile(zip: import('@zip.js/zip.js').ZipWriter<unknown>, job: EmulatorJob, zipName: string, entry: string,
  path: string, padTo: number, options: object): Promise<void> {
  const tap = recorder(job, `${zipName}/${entry}`);
  Readable.from(padded(path, padTo)).pipe(tap);
  // 7z deflates the (already BGZF-compressed) files again; padded benchmark files are stored to stay big
  await zip.add(entry, Readable.toWeb(tap) as unknown as ReadableStream<Uint8Array>, { ...options, level: padTo > 0 ? 0 : 6 });
}

/** chr_<N>.zip per imputed chromosome: dose, info and (meta) empiricalDose, encrypted with the job's password */
export async function writeChromosomeZips(job: EmulatorJob, settings: ResultSettings, imputed: ImputedChromosome[]): Promise<void> {
  const { ZipWriter, configure } = await import('@zip.js/zip.js');
  configure({ useWebWorkers: false });
  const aes = 'aesEncryption' in job.params;
  const password = job.password || randomBytes(12).toString('base64url');
  const options = { password, zipCrypto: !aes, encryptionStrength: 3 as const };
  for (const { chromosome, files } of imputed) {
    const zipName = `chr_${chromosome}.zip`;
    const path = join(job.dir, 'outputs', zipName);
    await mkdir(dirname(path), { recursive: true });
    const zip = new ZipWriter(Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>);
    await addFile(zip, job, zipName, `chr${chromosome}.dose.vcf.gz`, files.dose, settings.syntheticResultBytes ?? 0, options);
    await addFile(zip, job, zipName, `chr${chromosome}.info.gz`, files.info, 0, options);
    if (files.empirical) await addFile(zip, job, zipName, `chr${chromosome}.empiricalDose.vcf.gz`, files.empirical, 0, options);
    await zip.close();
    await addOutput(job, zipName, 'output', settings);
  }
}
