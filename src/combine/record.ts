/**
 * One record of an imputed VCF, parsed from its bytes: the site (CHROM, POS, REF, ALT, estimated R², typed)
 * first, the samples' haplotype dosages only when the record is used. Haplotype dosages come from HDS
 * (Minimac), LDS (Minimac's empirical leave-one-out file), AP1/AP2 (Beagle ap=true), or, failing those,
 * DS split along the phased GT (see splitDosage).
 */
import { COLON, COMMA, SEMICOLON, TAB, equalsAscii, find, parseDecimal, parseInteger, scanEnd, scanNumber } from './bytes.js';
import type { Line } from './lines.js';

export interface Site {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  /** estimated R² (INFO R2, DR2 or INFO); NaN when the record has none */
  r2: number;
  typed: boolean;
}

export type SiteProblem = 'multiallelic' | 'no-alt' | 'bad-pos';

/** which INFO words mean "typed": Minimac flags TYPED, Beagle flags the imputed ones IMP */
export type TypedRule = 'typed-flag' | 'not-imp';

interface FormatIndex {
  gt: number;
  ds: number;
  hds: number;
  ap1: number;
  ap2: number;
}

export class RecordParser {
  /** FORMAT field offset, start of the first sample column */
  private formatStart = 0;
  private samplesStart = 0;
  private lastFormat = '';
  private index: FormatIndex = { gt: -1, ds: -1, hds: -1, ap1: -1, ap2: -1 };

  /**
   * @param columnToSample sample column c of this file is sample columnToSample[c] of the combined output
   * @param haplotypeField 'HDS' for dose files, 'LDS' for empirical files
   */
  constructor(
    private readonly columnToSample: Int32Array,
    private readonly typedRule: TypedRule,
    private readonly haplotypeField: 'HDS' | 'LDS' = 'HDS',
  ) {}

  /** the site of `line`, or the reason it cannot be combined */
  site(line: Line): Site | SiteProblem {
    const { bytes, start, end } = line;
    const tabs = [start - 1];
    for (let at = start; tabs.length < 9 && at < end; at++) if (bytes[at] === TAB) tabs.push(at);
    if (tabs.length < 9) return 'bad-pos';
    this.formatStart = tabs[8] + 1;
    this.samplesStart = find(bytes, TAB, this.formatStart, end) + 1;
    const pos = parseInteger(bytes, tabs[1] + 1, tabs[2]);
    if (!(pos > 0)) return 'bad-pos';
    const alt = bytes.toString('latin1', tabs[4] + 1, tabs[5]);
    if (alt.includes(',')) return 'multiallelic';
    if (alt === '.' || alt === '*') return 'no-alt';
    const info = readInfo(bytes, tabs[7] + 1, tabs[8]);
    return {
      chrom: bytes.toString('latin1', start, tabs[1]),
      pos,
      ref: bytes.toString('latin1', tabs[3] + 1, tabs[4]),
      alt,
      r2: info.r2,
      typed: this.typedRule === 'typed-flag' ? info.typed : !info.imp,
    };
  }

  /**
   * Haplotype dosages of the record last given to site(), in combined sample order, into `hds` (length
   * 2 × samples). With `alleles`, also the GT alleles (0, 1, or 255 for missing).
   */
  samples(line: Line, hds: Float32Array, alleles?: Uint8Array): void {
    const { bytes, end } = line;
    const index = this.formatIndex(bytes, end);
    // with haplotype dosages in the record, DS is not read, and GT only for the observed alleles
    if (index.hds >= 0 && !alleles && fastHaplotypes(bytes, this.samplesStart, end, index.hds, this.columnToSample, hds)) return;
    const haplotypes = index.hds >= 0 || (index.ap1 >= 0 && index.ap2 >= 0);
    const dsField = haplotypes ? -1 : index.ds;
    const gtField = haplotypes && !alleles ? -1 : index.gt;
    const map = this.columnToSample;
    let at = this.samplesStart;
    for (let column = 0; column < map.length; column++) {
      const target = 2 * map[column];
      let field = 0;
      let first = Number.NaN;
      let second = Number.NaN;
      let dosage = Number.NaN;
      let gtStart = -1;
      // one pass over the column: numbers are read where they stand, other fields skipped
      for (;;) {
        if (field === index.hds) {
          first = scanNumber(bytes, at, end);
          at = scanEnd;
          if (bytes[at] === COMMA) {
            second = scanNumber(bytes, at + 1, end);
            at = scanEnd;
          }
        } else if (field === dsField) {
          dosage = scanNumber(bytes, at, end);
          at = scanEnd;
        } else if (field === index.ap1) {
          first = scanNumber(bytes, at, end);
          at = scanEnd;
        } else if (field === index.ap2) {
          second = scanNumber(bytes, at, end);
          at = scanEnd;
        } else if (field === gtField) gtStart = at;
        while (at < end && bytes[at] !== COLON && bytes[at] !== TAB) at++;
        field++;
        const last = at >= end || bytes[at] === TAB;
        at++;
        if (last) break;
      }
      const allele1 = gtStart >= 0 ? alleleAt(bytes, gtStart) : 255;
      // a haploid GT ("1", chrX in males) has no second allele
      const diploid = gtStart >= 0 && (bytes[gtStart + 1] === PIPE || bytes[gtStart + 1] === SLASH);
      const allele2 = diploid ? alleleAt(bytes, gtStart + 2) : 255;
      if (first === first && second === second) {
        hds[target] = first;
        hds[target + 1] = second;
      } else splitDosage(dosage, allele1, allele2, hds, target);
      if (alleles) {
        alleles[target] = allele1;
        alleles[target + 1] = allele2;
      }
    }
  }

  private formatIndex(bytes: Buffer, end: number): FormatIndex {
    const stop = Math.min(this.samplesStart - 1, end);
    if (equalsAscii(bytes, this.formatStart, stop, this.lastFormat)) return this.index;
    this.lastFormat = bytes.toString('latin1', this.formatStart, stop);
    const keys = this.lastFormat.split(':');
    const hds = keys.indexOf(this.haplotypeField);
    this.index = { gt: keys.indexOf('GT'), ds: keys.indexOf('DS'), hds, ap1: keys.indexOf('AP1'), ap2: keys.indexOf('AP2') };
    return this.index;
  }
}

/**
 * The common case at full speed: every column's haplotype dosages are field `field` and read "x,y" with plain
 * decimals. Returns false at the first surprise (a missing value, an exponent, a short column), and the caller
 * reads the record the careful way instead.
 */
function fastHaplotypes(bytes: Uint8Array, start: number, end: number, field: number, map: Int32Array, hds: Float32Array): boolean {
  let at = start;
  for (let column = 0; column < map.length; column++) {
    for (let colons = 0; colons < field; at++) {
      const byte = bytes[at];
      if (byte === COLON) colons++;
      else if (byte === TAB || at >= end) return false;
    }
    let digit = 0;
    let whole = 0;
    let fraction = 0;
    let scale = 1;
    const first = at;
    while ((digit = bytes[at] - 48) >= 0 && digit <= 9) (whole = whole * 10 + digit), at++;
    if (bytes[at] === 46) for (at++; (digit = bytes[at] - 48) >= 0 && digit <= 9; at++) (fraction = fraction * 10 + digit), (scale *= 10);
    if (at === first || bytes[at] !== COMMA) return false;
    const target = 2 * map[column];
    hds[target] = whole + fraction / scale;
    at++;
    whole = 0;
    fraction = 0;
    scale = 1;
    const second = at;
    while (at < end && (digit = bytes[at] - 48) >= 0 && digit <= 9) (whole = whole * 10 + digit), at++;
    if (at < end && bytes[at] === 46) for (at++; at < end && (digit = bytes[at] - 48) >= 0 && digit <= 9; at++) (fraction = fraction * 10 + digit), (scale *= 10);
    if (at === second || (at < end && bytes[at] !== TAB && bytes[at] !== COLON)) return false;
    hds[target + 1] = whole + fraction / scale;
    while (at < end && bytes[at] !== TAB) at++;
    at++;
  }
  return true;
}

const PIPE = 124;
const SLASH = 47;
function alleleAt(bytes: Uint8Array, at: number): number {
  const digit = bytes[at] - 48;
  return digit === 0 || digit === 1 ? digit : 255;
}

/**
 * A file with DS but no haplotype dosages (Beagle without ap=true): give each haplotype the share the phased GT
 * suggests, so that the two add up to DS. A heterozygote puts the dosage on its ALT haplotype (the other takes
 * what exceeds 1); a homozygote splits it evenly.
 */
export function splitDosage(dosage: number, allele1: number, allele2: number, hds: Float32Array, at: number): void {
  if (dosage !== dosage) {
    hds[at] = allele1 === 1 ? 1 : 0;
    hds[at + 1] = allele2 === 1 ? 1 : 0;
  } else if (allele1 !== allele2 && (allele1 === 1 || allele2 === 1)) {
    const carrier = Math.min(1, dosage);
    const other = Math.max(0, dosage - 1);
    hds[at] = allele1 === 1 ? carrier : other;
    hds[at + 1] = allele1 === 1 ? other : carrier;
  } else {
    hds[at] = dosage / 2;
    hds[at + 1] = dosage / 2;
  }
}

/** R2, DR2 or INFO (the first present), and the TYPED / IMP flags */
function readInfo(bytes: Buffer, start: number, end: number): { r2: number; typed: boolean; imp: boolean } {
  let r2 = Number.NaN;
  let typed = false;
  let imp = false;
  for (let at = start; at < end; ) {
    const stop = find(bytes, SEMICOLON, at, end);
    const equals = find(bytes, 61, at, stop);
    if (equals === stop) {
      if (equalsAscii(bytes, at, stop, 'TYPED')) typed = true;
      else if (equalsAscii(bytes, at, stop, 'IMP')) imp = true;
    } else if (r2 !== r2 && (equalsAscii(bytes, at, equals, 'R2') || equalsAscii(bytes, at, equals, 'DR2') || equalsAscii(bytes, at, equals, 'INFO'))) {
      r2 = parseDecimal(bytes, equals + 1, stop);
    }
    at = stop + 1;
  }
  return { r2, typed, imp };
}
