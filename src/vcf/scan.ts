/**
 * Line scanning on decompressed Buffers. Lines are found with Buffer#indexOf (memchr) and handed over as
 * (buffer, start, end) without making strings; a data line is parsed only as far as the checker needs:
 * the eight fixed columns, FORMAT and the GT of the first few samples. The sample columns of a wide file
 * are never split.
 */
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const TAB = 9;
const COLON = 58;
const PIPE = 124;
const SLASH = 47;

export type LineHandler = (buffer: Buffer, start: number, end: number) => void;

/** A line longer than the splitter's limit: binary data, or a file without newlines. Keeps memory bounded. */
export class LineTooLongError extends Error {}

/** far above any real VCF line (50,000 samples with several FORMAT fields is a few MiB) */
export const MAX_LINE_BYTES = 256 << 20;

/** Splits chunks into lines (without the LF; a CR before it is kept, see `crlfLines`). */
export class LineSplitter {
  private carry: Buffer | null = null;
  crlfLines = 0;
  lines = 0;

  constructor(
    private readonly onLine: LineHandler,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carry) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        if (this.carry.length > this.maxLine) throw new LineTooLongError(`a line is longer than ${this.maxLine} bytes`);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, newline)]);
      this.carry = null;
      this.emit(line, 0, line.length);
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.emit(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.carry = Buffer.from(chunk.subarray(start));
  }

  /** the last line when the file does not end with a newline */
  end(): void {
    if (this.carry && this.carry.length > 0) this.emit(this.carry, 0, this.carry.length);
    this.carry = null;
  }

  private emit(buffer: Buffer, start: number, end: number): void {
    this.lines++;
    if (end > start && buffer[end - 1] === CARRIAGE_RETURN) {
      this.crlfLines++;
      end--;
    }
    this.onLine(buffer, start, end);
  }
}

/** What the checker reads from one data line; one object reused for every line. */
export interface DataLine {
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  /** FORMAT column present */
  hasFormat: boolean;
  /** GT is a FORMAT key */
  hasGt: boolean;
  /** among the first `sampleLimit` samples: GTs with `|`, with `/`, and others (haploid, missing) */
  phased: number;
  unphased: number;
  /** false when a fixed column is missing or POS is not a positive integer */
  valid: boolean;
}

export function newDataLine(): DataLine {
  return { chrom: '', pos: 0, ref: '', alt: '', hasFormat: false, hasGt: false, phased: 0, unphased: 0, valid: false };
}

/** Parse the first columns of a data line into `into`. Returns `into`. */
export function parseDataLine(buffer: Buffer, start: number, end: number, sampleLimit: number, into: DataLine): DataLine {
  into.valid = false;
  into.hasFormat = into.hasGt = false;
  into.phased = into.unphased = 0;
  const tabs: number[] = [];
  let cursor = start;
  while (tabs.length < 9) {
    const tab = buffer.indexOf(TAB, cursor);
    if (tab < 0 || tab >= end) break;
    tabs.push(tab);
    cursor = tab + 1;
  }
  if (tabs.length < 7) return into;
  into.chrom = buffer.toString('latin1', start, tabs[0]);
  into.pos = parsePosition(buffer, tabs[0] + 1, tabs[1]);
  into.ref = buffer.toString('latin1', tabs[2] + 1, tabs[3]);
  into.alt = buffer.toString('latin1', tabs[3] + 1, tabs[4]);
  into.valid = into.pos > 0;
  if (tabs.length < 8) return into;
  const formatEnd = tabs.length === 9 ? tabs[8] : end;
  into.hasFormat = true;
  const gtIndex = formatKeyIndex(buffer.toString('latin1', tabs[7] + 1, formatEnd), 'GT');
  into.hasGt = gtIndex >= 0;
  if (into.hasGt && tabs.length === 9) countPhasing(buffer, formatEnd + 1, end, gtIndex, sampleLimit, into);
  return into;
}

function parsePosition(buffer: Buffer, start: number, end: number): number {
  if (end <= start || end - start > 15) return -1;
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = buffer[index] - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function formatKeyIndex(format: string, key: string): number {
  if (format.startsWith(key) && (format.length === key.length || format[key.length] === ':')) return 0;
  return format.split(':').indexOf(key);
}

function countPhasing(buffer: Buffer, start: number, end: number, gtIndex: number, limit: number, into: DataLine): void {
  let cursor = start;
  for (let sample = 0; sample < limit && cursor < end; sample++) {
    let tab = buffer.indexOf(TAB, cursor);
    if (tab < 0 || tab > end) tab = end;
    let fieldStart = cursor;
    for (let skip = 0; skip < gtIndex && fieldStart < tab; skip++) {
      const colon = buffer.indexOf(COLON, fieldStart);
      fieldStart = colon < 0 || colon > tab ? tab : colon + 1;
    }
    for (let index = fieldStart; index < tab && buffer[index] !== COLON; index++) {
      if (buffer[index] === PIPE) {
        into.phased++;
        break;
      }
      if (buffer[index] === SLASH) {
        into.unphased++;
        break;
      }
    }
    cursor = tab + 1;
  }
}
