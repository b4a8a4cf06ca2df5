/**
 * Accumulates what the checker reports about one VCF from its lines, in one pass: header facts, record
 * counts, sort order, phasing and allele classes. Pure (no I/O), so the rules can be tested line by line.
 */
import { buildFromContigLengths, buildFromNames } from './build.js';
import type { FileReport, Phasing } from './report.js';
import { newDataLine, parseDataLine } from './scan.js';

const BASES = /^[ACGTN]+$/i;
const ALT_BASES = /^[ACGTN*]+$/i;
const SYMBOLIC = /^<.*>$|[[\]]/;

export type CollectorState = 'start' | 'header' | 'data' | 'not-vcf';

export class VcfCollector {
  state: CollectorState = 'start';
  vcfVersion: string | null = null;
  sampleIds: string[] = [];
  sawHeaderLine = false;
  dataBeforeHeaderLine = false;
  readonly contigs = new Map<string, number>();
  records = 0;
  chromosomes: string[] = [];
  sorted = true;
  /** where order first broke, for the message */
  unsortedAt: string | null = null;
  recordsWithoutGt = 0;
  phasedGts = 0;
  unphasedGts = 0;
  refEqualsAlt = 0;
  invalidAlleles = 0;
  symbolicAlleles = 0;
  multiAllelic = 0;
  indels = 0;
  malformedRecords = 0;
  firstMalformed: number | null = null;
  private lineNumber = 0;
  /** lines seen so far */
  get lineCount(): number {
    return this.lineNumber;
  }
  private readonly finished = new Set<string>();
  private currentChrom = '';
  private lastPos = 0;
  private readonly line = newDataLine();

  constructor(private readonly phasingSamples = 8) {}

  /** one line without its line ending */
  add(buffer: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (this.state === 'not-vcf') return;
    if (this.state === 'start') {
      const text = buffer.toString('latin1', start, Math.min(end, start + 200));
      const match = /^##fileformat=(VCFv[\w.]+)/.exec(text);
      if (!match) {
        this.state = 'not-vcf';
        return;
      }
      this.vcfVersion = match[1];
      this.state = 'header';
      return;
    }
    if (buffer[start] === 35 /* # */ && this.state === 'header') return this.headerLine(buffer.toString('utf8', start, end));
    if (end === start) return;
    if (this.state === 'header') {
      this.state = 'data';
      if (!this.sawHeaderLine) this.dataBeforeHeaderLine = true;
    }
    this.dataLine(buffer, start, end);
  }

  private headerLine(text: string): void {
    if (text.startsWith('##contig=')) {
      const id = /[<,]ID=([^,>]+)/.exec(text)?.[1];
      const length = /[<,]length=(\d+)/.exec(text)?.[1];
      if (id) this.contigs.set(id, length ? Number(length) : 0);
    } else if (text.startsWith('#CHROM')) {
      this.sawHeaderLine = true;
      this.sampleIds = text.split('\t').slice(9);
    }
  }

  private dataLine(buffer: Buffer, start: number, end: number): void {
    const line = parseDataLine(buffer, start, end, this.phasingSamples, this.line);
    if (!line.valid) {
      this.malformedRecords++;
      this.firstMalformed ??= this.lineNumber;
      return;
    }
    this.records++;
    this.order(line.chrom, line.pos);
    if (!line.hasGt) this.recordsWithoutGt++;
    this.phasedGts += line.phased;
    this.unphasedGts += line.unphased;
    this.alleles(line.ref, line.alt);
  }

  private order(chrom: string, pos: number): void {
    if (chrom !== this.currentChrom) {
      if (this.currentChrom !== '') this.finished.add(this.currentChrom);
      if (this.finished.has(chrom)) this.unsorted(`${chrom} appears again at line ${this.lineNumber} after other chromosomes`);
      else this.chromosomes.push(chrom);
      this.currentChrom = chrom;
      this.lastPos = pos;
      return;
    }
    if (pos < this.lastPos) this.unsorted(`${chrom}:${pos} at line ${this.lineNumber} comes after ${chrom}:${this.lastPos}`);
    this.lastPos = pos;
  }

  private unsorted(where: string): void {
    if (this.sorted) this.unsortedAt = where;
    this.sorted = false;
  }

  private alleles(ref: string, alt: string): void {
    if (ref === alt) this.refEqualsAlt++;
    const alts = alt.split(',');
    if (alts.length > 1) this.multiAllelic++;
    let invalid = !BASES.test(ref);
    let symbolic = false;
    let indel = false;
    for (const allele of alts) {
      if (allele === '.') continue;
      if (SYMBOLIC.test(allele)) symbolic = true;
      else if (!ALT_BASES.test(allele)) invalid = true;
      else if (allele.length !== ref.length && allele !== '*') indel = true;
    }
    if (invalid) this.invalidAlleles++;
    if (symbolic) this.symbolicAlleles++;
    if (indel) this.indels++;
  }

  get phasing(): Phasing {
    if (this.phasedGts > 0 && this.unphasedGts > 0) return 'mixed';
    if (this.phasedGts > 0) return 'phased';
    return this.unphasedGts > 0 ? 'unphased' : 'unknown';
  }

  duplicateSampleIds(): string[] {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const id of this.sampleIds) (seen.has(id) ? duplicates : seen).add(id);
    return [...duplicates].slice(0, 10);
  }

  /** the collected facts in report form (path, size, compression and line endings come from the reader) */
  facts(): Omit<FileReport, 'path' | 'bytes' | 'compression' | 'eofBlock' | 'lineEndings'> {
    return {
      vcfVersion: this.vcfVersion,
      samples: this.sampleIds.length,
      duplicateSampleIds: this.duplicateSampleIds(),
      records: this.records,
      chromosomes: this.chromosomes,
      sorted: this.sorted,
      phasing: this.phasing,
      phased: this.phasing === 'phased',
      gtPresent: this.records > 0 && this.recordsWithoutGt === 0,
      recordsWithoutGt: this.recordsWithoutGt,
      refEqualsAlt: this.refEqualsAlt,
      invalidAlleles: this.invalidAlleles,
      symbolicAlleles: this.symbolicAlleles,
      multiAllelic: this.multiAllelic,
      indels: this.indels,
      malformedRecords: this.malformedRecords,
      namingBuild: buildFromNames(this.chromosomes),
      contigBuild: buildFromContigLengths(this.contigs),
    };
  }
}
