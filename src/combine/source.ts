/**
 * A cursor over one imputed VCF: the next combinable record's site, in file order, restricted to a region.
 * Records that cannot be combined are counted, not returned (multi-allelic, no ALT); a file that goes
 * backwards is an input error (combine streams, so it needs sorted files, as tabix does).
 */
import { InputError } from '../errors.js';
import type { InflatePool } from '../vcf/inflate-pool.js';
import { canonicalChromosome, compareChromosomes, readHeader, type VcfHeader } from './header.js';
import { LineReader, type Line } from './lines.js';
import { RecordParser, type Site, type TypedRule } from './record.js';

export interface Region {
  /** canonical chromosome name (no chr) */
  chromosome: string;
  start: number;
  end: number;
}

export interface SourceCounts {
  records: number;
  multiallelic: number;
  noAlt: number;
  outsideRegion: number;
}

export class SourceCursor {
  /** the current record's site, null at the end */
  head: Site | null = null;
  /** canonical chromosome of head */
  chromosome = '';
  readonly counts: SourceCounts = { records: 0, multiallelic: 0, noAlt: 0, outsideRegion: 0 };
  private line: Line | null = null;
  private parser!: RecordParser;
  private previous = { chromosome: '', pos: 0 };
  private finished = false;

  private constructor(
    readonly header: VcfHeader,
    private readonly reader: LineReader,
    private readonly region: Region | null,
  ) {}

  /** `peek`: only the header and the first records will be read */
  static async open(path: string, pool: InflatePool, region: Region | null, seek?: { compressed: number; skip: number }, peek = false): Promise<SourceCursor> {
    const reader = await LineReader.open(path, pool, undefined, peek || seek !== undefined);
    const header = await readHeader(reader, path);
    if (seek) {
      await reader.close();
      return new SourceCursor(header, await LineReader.open(path, pool, seek), region);
    }
    return new SourceCursor(header, reader, region);
  }

  /** must be called once, before advance(): how samples map and which field holds the dosages */
  configure(columnToSample: Int32Array, field: 'HDS' | 'LDS'): void {
    const typedRule: TypedRule = this.header.infos.has('IMP') && !this.header.infos.has('TYPED') ? 'not-imp' : 'typed-flag';
    this.parser = new RecordParser(columnToSample, typedRule, field);
  }

  /** move to the next record, synchronously; false when more data must be read first (then await advance()) */
  advanceSync(): boolean {
    if (this.finished) return true;
    for (;;) {
      const line = this.reader.next();
      if (!line) return false;
      if (this.accept(line)) return true;
    }
  }

  async advance(): Promise<void> {
    while (!this.advanceSync()) {
      if (!(await this.reader.fill())) {
        if (!this.advanceSync()) this.end();
        return;
      }
    }
  }

  /** the current record's haplotype dosages (and GT alleles); call before advancing */
  samples(hds: Float32Array, alleles?: Uint8Array): void {
    this.parser.samples(this.line!, hds, alleles);
  }

  async close(): Promise<void> {
    await this.reader.close();
  }

  private end(): void {
    this.head = null;
    this.line = null;
    this.finished = true;
  }

  /** true when `line` became the head; false to skip it */
  private accept(line: Line): boolean {
    if (line.end === line.start || line.bytes[line.start] === 35) return false;
    const site = this.parser.site(line);
    if (site === 'bad-pos') {
      const text = line.bytes.toString('latin1', line.start, Math.min(line.end, line.start + 80));
      throw new InputError(`${this.header.path}: a record without a valid position: ${text}`, { hint: 'is the file a complete, uncorrupted VCF?' });
    }
    this.counts.records++;
    if (site === 'multiallelic' || site === 'no-alt') {
      this.counts[site === 'multiallelic' ? 'multiallelic' : 'noAlt']++;
      return false;
    }
    const chromosome = site.chrom === this.head?.chrom ? this.chromosome : canonicalChromosome(site.chrom);
    this.checkOrder(chromosome, site.pos);
    const region = this.region;
    if (region && (chromosome !== region.chromosome || site.pos < region.start || site.pos > region.end)) {
      const past = chromosome === region.chromosome ? site.pos > region.end : compareChromosomes(chromosome, region.chromosome) > 0;
      if (past) this.end();
      else this.counts.outsideRegion++;
      return past;
    }
    this.head = site;
    this.chromosome = chromosome;
    this.line = line;
    return true;
  }

  private checkOrder(chromosome: string, pos: number): void {
    const previous = this.previous;
    const order = previous.chromosome === chromosome ? 0 : previous.chromosome === '' ? 1 : compareChromosomes(chromosome, previous.chromosome);
    if (order < 0 || (order === 0 && pos < previous.pos)) {
      throw new InputError(`${this.header.path}: not sorted: ${chromosome}:${pos} comes after ${previous.chromosome}:${previous.pos}`, {
        hint: 'sort it first: bcftools sort -Oz -o sorted.vcf.gz FILE',
      });
    }
    previous.chromosome = chromosome;
    previous.pos = pos;
  }
}

/** column c of `header` → index of that sample in `reference`; the sets must be equal (order may differ) */
export function sampleMapping(reference: string[], header: VcfHeader, referenceLabel: string): Int32Array {
  const position = new Map(reference.map((name, index) => [name, index]));
  const missing = header.samples.filter((name) => !position.has(name));
  const seen = new Set(header.samples);
  const absent = reference.filter((name) => !seen.has(name));
  if (missing.length > 0 || absent.length > 0 || seen.size !== header.samples.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`${missing.length} sample${missing.length === 1 ? '' : 's'} not in ${referenceLabel} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`);
    if (absent.length) parts.push(`${absent.length} of ${referenceLabel}'s samples missing (${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ', …' : ''})`);
    if (seen.size !== header.samples.length) parts.push('a sample name appears twice');
    throw new InputError(`${header.path}: the samples differ from ${referenceLabel}: ${parts.join('; ')}`, {
      hint: 'combine needs results of the same study (the same samples, in any order); subset them first with bcftools view -S',
    });
  }
  return Int32Array.from(header.samples, (name) => position.get(name)!);
}
