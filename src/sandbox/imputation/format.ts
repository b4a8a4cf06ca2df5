/**
 * Numbers as the tools print them, and a buffered BGZF text sink for the output files.
 *  - Minimac4 writes INFO values with C++ stream precision (%g-like, 6 significant digits) and
 *    dosages with at most 3 decimals, trailing zeros dropped ("0", "0.008", "1.667").
 *  - Beagle 5.4 writes DR2 with 2 decimals, AF with 4, and DS/GP with at most 2 (trailing zeros dropped).
 */
import { BgzfWriter } from '../../vcf/bgzf-write.js';

/** %g with `digits` significant digits: fixed unless the exponent is below -4 or at least `digits` */
export function significant(value: number, digits: number): string {
  if (value === 0 || !Number.isFinite(value)) return value === 0 ? '0' : String(value);
  const [mantissa, power] = value.toExponential(digits - 1).split('e');
  const exponent = Number(power);
  if (exponent < -4 || exponent >= digits) {
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    return `${trimmed}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return trimZeros(value.toFixed(Math.max(0, digits - 1 - exponent)));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** byte strings of k / 10^decimals for k = 0..2·10^decimals (dosages 0..2), trailing zeros dropped */
function table(decimals: number): Buffer[] {
  const scale = 10 ** decimals;
  return Array.from({ length: 2 * scale + 1 }, (_, k) => Buffer.from(trimZeros((k / scale).toFixed(decimals)), 'latin1'));
}

const THOUSANDTHS = table(3);
const HUNDREDTHS = table(2);

/** a dosage in [0, 2] with at most 3 decimals (Minimac) */
export const dose3 = (value: number): Buffer => THOUSANDTHS[Math.round(Math.min(2, Math.max(0, value)) * 1000)];
/** a dosage or probability in [0, 2] with at most 2 decimals (Beagle) */
export const dose2 = (value: number): Buffer => HUNDREDTHS[Math.round(Math.min(2, Math.max(0, value)) * 100)];

const FLUSH_AT = 1 << 20;

/** Text written to a BGZF file through one reused buffer; `drain()` between records keeps memory bounded. */
export class BgzfText {
  private buffer = Buffer.allocUnsafe(FLUSH_AT * 2);
  private length = 0;

  private constructor(private readonly writer: BgzfWriter) {}

  static async create(path: string): Promise<BgzfText> {
    return new BgzfText(await BgzfWriter.create(path));
  }

  text(value: string): void {
    this.reserve(value.length * 3);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  async drain(): Promise<void> {
    if (this.length < FLUSH_AT) return;
    this.writer.append(this.buffer.subarray(0, this.length));
    this.length = 0;
    await this.writer.drain();
  }

  async close(): Promise<void> {
    this.writer.append(this.buffer.subarray(0, this.length));
    this.length = 0;
    await this.writer.close();
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
