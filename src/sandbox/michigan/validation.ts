/**
 * The deferred input validation imputationserver2 runs once a job starts: files are read streaming and at
 * most `maxRecords` records each (bounded CPU). Messages follow the server's wording where it is known.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { EmulatorPanel, ValidationResult } from './types.js';

export interface ValidationInput {
  files: { name: string; path: string }[];
  build: string;
  panel: EmulatorPanel;
  population: string;
  phasing: string;
  maxSamples: number;
  maxRecords: number;
}

interface FileScan {
  error?: string;
  samples: string[];
  chromosomes: Set<string>;
  records: number;
  phased: boolean;
  minPos: number;
  maxPos: number;
}

const CHROMOSOMES = new Set([...Array.from({ length: 22 }, (_, index) => String(index + 1)), 'X']);

async function compression(path: string): Promise<'bgzf' | 'gzip' | 'none'> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(18), 0, 18, 0);
    if (bytesRead < 18 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) return 'none';
    const extra = (buffer[3] & 4) !== 0 && buffer[12] === 66 && buffer[13] === 67;
    return extra ? 'bgzf' : 'gzip';
  } finally {
    await handle.close();
  }
}

async function scanFile(name: string, path: string, build: string, maxRecords: number): Promise<FileScan> {
  const scan: FileScan = { samples: [], chromosomes: new Set(), records: 0, phased: true, minPos: Infinity, maxPos: 0 };
  const kind = await compression(path);
  if (kind === 'none') return { ...scan, error: `The provided file '${name}' is not a valid bgzip-compressed VCF file.` };
  if (kind === 'gzip')
    return { ...scan, error: `The provided VCF file '${name}' is compressed with gzip, not bgzip. Please compress it with bgzip (e.g. 'bgzip file.vcf').` };
  const source = createReadStream(path);
  const lines = createInterface({ input: source.pipe(createGunzip()), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.startsWith('##') || line === '') continue;
      const fields = line.split('\t');
      if (line.startsWith('#CHROM')) {
        scan.samples = fields.slice(9);
        continue;
      }
      const chromosome = fields[0];
      scan.chromosomes.add(chromosome);
      if (scan.chromosomes.size > 1)
        return { ...scan, error: `The provided VCF file '${name}' contains more than one chromosome. Please split your input VCF file by chromosome.` };
      const error = checkRecord(name, fields, build);
      if (error) return { ...scan, error };
      const position = Number(fields[1]);
      scan.minPos = Math.min(scan.minPos, position);
      scan.maxPos = Math.max(scan.maxPos, position);
      if (fields[9]?.includes('/')) scan.phased = false;
      if (++scan.records >= maxRecords) break;
    }
  } catch {
    return { ...scan, error: `The provided VCF file '${name}' is malformed: it could not be decompressed.` };
  } finally {
    lines.close();
    source.destroy();
  }
  if (scan.records === 0) return { ...scan, error: `The provided VCF file '${name}' contains no variants.` };
  return scan;
}

function checkRecord(name: string, fields: string[], build: string): string | undefined {
  const chromosome = fields[0];
  const bare = chromosome.replace(/^chr/, '');
  if (build === 'hg38' && !chromosome.startsWith('chr'))
    return `Your upload data contains chromosome '${chromosome}'. This is not a valid hg38 encoding. Please ensure that your input data is build hg38 and chromosome is encoded as 'chr${chromosome}'.`;
  if (build !== 'hg38' && chromosome.startsWith('chr'))
    return `Your upload data contains chromosome '${chromosome}'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '${bare}'.`;
  if (!CHROMOSOMES.has(bare))
    return `The provided VCF file '${name}' contains chromosome '${chromosome}'. Only chromosomes 1-22 and X are supported.`;
  if (fields.length < 10 || fields[8].split(':')[0] !== 'GT')
    return `The provided VCF file '${name}' contains no GT field in FORMAT. Please upload genotypes (GT).`;
  if (fields[3] === fields[4])
    return `The provided VCF file '${name}' is malformed at variant ${chromosome}:${fields[1]}: REF and ALT alleles are identical.`;
  return undefined;
}

export async function validateInput(input: ValidationInput): Promise<ValidationResult> {
  const result: ValidationResult = { errors: [], samples: 0, chromosomes: [], records: 0, chunks: 0, phased: true };
  const scans: FileScan[] = [];
  for (const file of input.files) {
    const scan = await scanFile(file.name, file.path, input.build, input.maxRecords);
    if (scan.error) return { ...result, errors: [scan.error] };
    scans.push(scan);
  }
  if (scans.length === 0) return { ...result, errors: ['The provided input folder contains no VCF files (*.vcf.gz).'] };
  const samples = scans[0].samples;
  if (scans.some((scan) => scan.samples.join('\t') !== samples.join('\t')))
    return { ...result, errors: ['Please check your VCF files: the samples are not the same in all files.'] };
  result.samples = samples.length;
  result.records = scans.reduce((sum, scan) => sum + scan.records, 0);
  result.chromosomes = scans.map((scan) => [...scan.chromosomes][0]);
  result.chunks = scans.reduce((sum, scan) => sum + Math.max(1, Math.ceil((scan.maxPos - scan.minPos + 1) / 20_000_000)), 0);
  result.phased = scans.every((scan) => scan.phased);
  if (new Set(samples).size !== samples.length) result.errors.push('The provided VCF file contains duplicate sample ids.');
  else if (samples.length < 20) result.errors.push('At least 20 samples must be uploaded.');
  else if (samples.length > input.maxSamples)
    result.errors.push(`The maximum number of samples is ${input.maxSamples}. Please contact the server administrators to discuss this large imputation.`);
  else if (!input.panel.populations.some((population) => population.key === input.population))
    result.errors.push(`Population '${input.population}' is not supported by reference panel '${input.panel.id}'.`);
  else if (!result.phased && input.phasing === 'no_phasing')
    result.errors.push('Your input data is unphased. Please select an algorithm for phasing.');
  return result;
}
