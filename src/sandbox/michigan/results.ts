/**
 * Result files of a finished job, written to disk streaming: per chromosome an encrypted chr_<N>.zip (real
 * ZipCrypto or AES-256, made with zip.js) holding the dose/info(/empiricalDose) files, plus the QC report and
 * statistics that even failed jobs publish. The decrypted contents are recorded for tests (expectedResults).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough, Readable, Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { EmulatorJob, ExpectedFile, OutputFile } from './types.js';

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

/** Input records turned into minimac-style dosage records (deterministic), optionally padded. */
async function* doseLines(path: string, kind: 'dose' | 'info' | 'empirical', padTo: number): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let written = 0;
  const emit = (text: string) => {
    written += text.length;
    return text;
  };
  if (kind === 'info') yield emit('SNP\tREF(0)\tALT(1)\tALT_Frq\tMAF\tAvgCall\tRsq\tGenotyped\n');
  for await (const line of lines) {
    if (line.startsWith('##') || !line) continue;
    const fields = line.split('\t');
    if (line.startsWith('#CHROM')) {
      if (kind === 'info') continue;
      yield emit(`##fileformat=VCFv4.1\n##source=Minimac4 (fedimpute sandbox)\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n` +
        `##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated Alternate Allele Dosage">\n${fields.join('\t')}\n`);
      continue;
    }
    const genotypes = fields.slice(9).map((sample) => sample.split(':')[0]);
    const dosages = genotypes.map((gt) => (gt.match(/1/g)?.length ?? 0).toFixed(3));
    const frequency = dosages.reduce((sum, value) => sum + Number(value), 0) / (2 * Math.max(1, genotypes.length));
    const id = `${fields[0]}:${fields[1]}:${fields[3]}:${fields[4]}`;
    if (kind === 'info') yield emit(`${id}\t${fields[3]}\t${fields[4]}\t${frequency.toFixed(5)}\t${Math.min(frequency, 1 - frequency).toFixed(5)}\t1.00000\t1.00000\tGenotyped\n`);
    else yield emit(`${fields[0]}\t${fields[1]}\t${id}\t${fields[3]}\t${fields[4]}\t.\tPASS\tAF=${frequency.toFixed(5)};R2=1.00000;TYPED\tGT:DS\t${genotypes.map((gt, index) => `${gt}:${dosages[index]}`).join('\t')}\n`);
  }
  if (padTo > written) {
    const block = 'X\t1\t.\tA\tC\t.\tPASS\tIMPUTED\tGT:DS\t0|0:0.000\n'.repeat(16384);
    while (written < padTo) yield emit(block);
  }
}

async function addEntry(zip: import('@zip.js/zip.js').ZipWriter<unknown>, job: EmulatorJob, zipName: string, entry: string,
  lines: AsyncGenerator<string>, stored: boolean, options: object): Promise<void> {
  const gzip = createGzip({ level: stored ? 0 : 6 });
  const tap = recorder(job, `${zipName}/${entry}`);
  const source = Readable.from(lines).pipe(gzip).pipe(tap);
  await zip.add(entry, Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>, { ...options, level: stored ? 0 : 6 });
}

export async function writeChromosomeZips(job: EmulatorJob, settings: ResultSettings): Promise<void> {
  const { ZipWriter, configure } = await import('@zip.js/zip.js');
  configure({ useWebWorkers: false });
  const aes = 'aesEncryption' in job.params;
  const password = job.password || randomBytes(12).toString('base64url');
  const pad = settings.syntheticResultBytes ?? 0;
  const options = { password, zipCrypto: !aes, encryptionStrength: 3 as const };
  for (const [index, file] of job.files.entries()) {
    const chromosome = (job.validated?.chromosomes[index] ?? String(index + 1)).replace(/^chr/, '');
    const zipName = `chr_${chromosome}.zip`;
    const path = join(job.dir, 'outputs', zipName);
    await mkdir(dirname(path), { recursive: true });
    const zip = new ZipWriter(Writable.toWeb(createWriteStream(path)) as WritableStream<Uint8Array>);
    await addEntry(zip, job, zipName, `chr${chromosome}.dose.vcf.gz`, doseLines(file.path, 'dose', pad), pad > 0, options);
    await addEntry(zip, job, zipName, `chr${chromosome}.info.gz`, doseLines(file.path, 'info', 0), false, options);
    if ('meta' in job.params)
      await addEntry(zip, job, zipName, `chr${chromosome}.empiricalDose.vcf.gz`, doseLines(file.path, 'empirical', 0), false, options);
    await zip.close();
    await addOutput(job, zipName, 'output', settings);
  }
}
