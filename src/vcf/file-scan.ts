/**
 * Reads one file once, streaming: detects the compression, decompresses (BGZF in parallel), splits lines and
 * feeds the collector. Problems with the bytes themselves (empty, not a VCF, truncated) become findings;
 * only I/O errors throw (InputError naming the file).
 */
import { open, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { DecompressError, detectCompression, readDecompressed, type Compression, type ReadStats } from './bgzf.js';
import { VcfCollector } from './collector.js';
import type { InflatePool } from './inflate-pool.js';
import { fileFinding } from './messages.js';
import type { FileReport, Finding } from './report.js';
import { LineSplitter, LineTooLongError } from './scan.js';

export interface ScannedFile {
  report: FileReport;
  sampleIds: string[];
  /** findings about the bytes and the syntax (the rules in rules.ts add the rest) */
  findings: Finding[];
  collector: VcfCollector;
}

export async function scanVcfFile(path: string, pool: InflatePool, phasingSamples = 8): Promise<ScannedFile> {
  const bytes = await sizeOf(path);
  const compression = bytes === 0 ? 'none' : detectCompression(await readHead(path));
  const collector = new VcfCollector(phasingSamples);
  const stats: ReadStats = { bytesRead: 0, eofBlock: false };
  const findings: Finding[] = [];
  let lineEndings: 'lf' | 'crlf' = 'lf';
  let decompressed = 0;
  if (compression !== 'unknown' && bytes > 0) {
    const splitter = new LineSplitter((buffer, start, end) => collector.add(buffer, start, end));
    try {
      for await (const chunk of readDecompressed(path, compression, { pool }, stats)) {
        decompressed += chunk.length;
        splitter.push(chunk);
        if (collector.state === 'not-vcf') break;
      }
      splitter.end();
    } catch (error) {
      if (error instanceof LineTooLongError) findings.push(fileFinding(collector.state === 'start' ? 'not-vcf' : 'malformed-record', path, { count: 1, line: collector.lineCount + 1 }));
      else if (error instanceof DecompressError) findings.push(fileFinding(error.code === 'truncated-bgzf' ? 'truncated-bgzf' : 'corrupt-compression', path, { detail: error.message }));
      else throw ioError(path, error);
    }
    if (splitter.crlfLines > 0) lineEndings = 'crlf';
  }
  const report: FileReport = {
    path,
    bytes,
    compression,
    eofBlock: compression === 'bgzf' ? stats.eofBlock : null,
    lineEndings,
    ...collector.facts(),
  };
  findings.push(...syntaxFindings(report, collector, decompressed, findings.length > 0));
  return { report, sampleIds: collector.sampleIds, findings, collector };
}

/** `damaged`: a decompression finding is already there (do not pile a not-vcf or EOF finding on it) */
function syntaxFindings(report: FileReport, collector: VcfCollector, decompressed: number, damaged: boolean): Finding[] {
  const path = report.path;
  if (damaged && collector.state === 'start') return [];
  if (report.bytes === 0 || (decompressed === 0 && report.compression !== 'unknown')) return [fileFinding('file-empty', path)];
  if (report.compression === 'unknown' || collector.state === 'not-vcf') return [fileFinding('not-vcf', path)];
  if (collector.state === 'start') return [fileFinding('not-vcf', path)];
  const findings: Finding[] = [];
  if (report.compression === 'bgzf' && !report.eofBlock && !damaged) findings.push(fileFinding('truncated-bgzf', path, { detail: 'the end-of-file block is missing' }));
  if (report.lineEndings === 'crlf') findings.push(fileFinding('crlf-line-endings', path));
  if (!collector.sawHeaderLine) findings.push(fileFinding('missing-header-line', path));
  if (collector.malformedRecords > 0) {
    findings.push(fileFinding('malformed-record', path, { count: collector.malformedRecords, line: collector.firstMalformed ?? 0 }));
  }
  return findings;
}

async function sizeOf(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${path} is a directory, not a VCF file`, { hint: 'pass the .vcf.gz files themselves' });
    return info.size;
  } catch (error) {
    throw ioError(path, error);
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: unknown) => Promise.reject(ioError(path, error)));
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function ioError(path: string, error: unknown): Error {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  // only system errors are about the file; anything else is a bug and keeps its own message
  if (typeof code !== 'string' || !(error instanceof Error)) return error instanceof Error ? error : new Error(String(error));
  if (code === 'ENOENT') return new InputError(`${path}: no such file`, { hint: 'check the path and try again', cause: error });
  if (code === 'EACCES') return new InputError(`${path}: permission denied`, { hint: 'make the file readable (chmod +r)', cause: error });
  if (code === 'EISDIR') return new InputError(`${path} is a directory, not a VCF file`, { hint: 'pass the .vcf.gz files themselves', cause: error });
  return new InputError(`${path}: cannot read (${error instanceof Error ? error.message : String(error)})`, { hint: 'check the file and the disk', cause: error });
}

export type { Compression };
