/**
 * The line-level part of `prepare` for VCF input: keeps the header (renaming ##contig IDs for the build,
 * refusing duplicate sample ids), and turns each record into a rewritten line with its chromosome renamed
 * and a plain LF ending. Pure and synchronous; prepare.ts does the I/O.
 */
import { InputError } from '../errors.js';
import type { Build } from '../registry/types.js';
import { chromosomeForBuild } from './build.js';

export interface RewrittenRecord {
  /** as in the input */
  chromosome: string;
  pos: number;
  /** the whole line, renamed, ending in LF */
  line: Buffer;
}

const TAB = 9;

export class VcfRewriter {
  headerDone = false;
  private readonly headerLines: string[] = [];
  private records: RewrittenRecord[] = [];
  private readonly skippedCounts = new Map<string, number>();
  private lineNumber = 0;

  constructor(
    private readonly path: string,
    readonly build: Build,
  ) {}

  line(buffer: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (!this.headerDone) return this.headerLine(buffer.toString('utf8', start, end));
    if (end === start) return;
    const tab = buffer.indexOf(TAB, start);
    const posEnd = tab < 0 || tab >= end ? -1 : buffer.indexOf(TAB, tab + 1);
    const pos = posEnd < 0 || posEnd >= end ? NaN : Number(buffer.toString('latin1', tab + 1, posEnd));
    if (!Number.isInteger(pos)) throw new InputError(`${this.path}: malformed record at line ${this.lineNumber}`, { hint: 'check the file with `bcftools view`' });
    const chromosome = buffer.toString('latin1', start, tab);
    const renamed = Buffer.from(chromosomeForBuild(chromosome, this.build), 'latin1');
    const line = Buffer.allocUnsafe(renamed.length + (end - tab) + 1);
    renamed.copy(line, 0);
    buffer.copy(line, renamed.length, tab, end);
    line[line.length - 1] = 10;
    this.records.push({ chromosome, pos, line });
  }

  private headerLine(text: string): void {
    if (this.headerLines.length === 0 && !text.startsWith('##fileformat=VCF')) {
      throw new InputError(`${this.path} is not a VCF file (no ##fileformat line)`, { hint: 'give a .vcf, .vcf.gz, or a PLINK .bed' });
    }
    if (text.startsWith('##contig=')) {
      text = text.replace(/([<,]ID=)([^,>]+)/, (_match, key: string, id: string) => key + chromosomeForBuild(id, this.build));
    }
    if (text.startsWith('#CHROM')) {
      this.refuseDuplicates(text.split('\t').slice(9));
      this.headerDone = true;
    } else if (!text.startsWith('##')) {
      throw new InputError(`${this.path} has no #CHROM header line before its records`, { hint: 'export the VCF again with its full header' });
    }
    this.headerLines.push(text);
  }

  private refuseDuplicates(ids: string[]): void {
    const seen = new Set<string>();
    const duplicates = ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    if (duplicates.length > 0) {
      throw new InputError(`${this.path} has duplicate sample ids (${[...new Set(duplicates)].slice(0, 5).join(', ')})`, {
        hint: 'give every sample a unique id (`bcftools reheader -s new_ids.txt`), then run prepare again',
      });
    }
  }

  header(): string {
    return this.headerLines.join('\n') + '\n';
  }

  takeRecords(): RewrittenRecord[] {
    const taken = this.records;
    this.records = [];
    return taken;
  }

  skipped(chromosome: string): void {
    this.skippedCounts.set(chromosome, (this.skippedCounts.get(chromosome) ?? 0) + 1);
  }

  warnings(crlfLines: number): string[] {
    const warnings: string[] = [];
    if (crlfLines > 0) warnings.push(`${this.path}: Windows (CR LF) line endings were converted to LF`);
    for (const [chromosome, count] of this.skippedCounts) {
      warnings.push(`${this.path}: skipped ${count} record(s) on ${chromosome}; the servers impute chromosomes 1–22 and X only`);
    }
    return warnings;
  }
}
