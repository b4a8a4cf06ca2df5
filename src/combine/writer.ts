/**
 * Writing the combined VCF as bytes: FORMAT GT:DS:HDS with Minimac's number style (at most three decimals,
 * trailing zeros dropped) taken from precomputed tables, records gathered in one buffer and handed to the
 * BGZF writer, which deflates on the worker pool.
 */
import type { InflatePool } from '../vcf/inflate-pool.js';
import { BgzfWriter } from '../vcf/bgzf-write.js';

/** "0", "0.001", …, "0.5", …, "1" (and on to "2" for DS): Minimac4's rounding to three decimals */
class DecimalTable {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;

  constructor(thousandths: number) {
    const texts = Array.from({ length: thousandths + 1 }, (_, value) => String(Number((value / 1000).toFixed(3))));
    this.offsets = new Int32Array(texts.length + 1);
    texts.forEach((text, index) => (this.offsets[index + 1] = this.offsets[index] + text.length));
    this.bytes = Buffer.from(texts.join(''), 'latin1');
  }
}

const HAPLOTYPE = new DecimalTable(1000);
const DOSAGE = new DecimalTable(2000);

export interface RecordInfo {
  chrom: string;
  pos: number;
  id: string;
  ref: string;
  alt: string;
  /** the INFO column, already formatted */
  info: string;
}

export class RecordWriter {
  private buffer = Buffer.allocUnsafeSlow(1 << 20);
  private used = 0;
  private readonly quantized: Int16Array;

  private constructor(
    private readonly output: BgzfWriter,
    samples: number,
  ) {
    this.quantized = new Int16Array(2 * samples);
  }

  static async create(path: string, headerText: string, samples: number, pool: InflatePool): Promise<RecordWriter> {
    const output = await BgzfWriter.create(path, { pool });
    output.append(headerText);
    return new RecordWriter(output, samples);
  }

  /** haplotype dosages rounded to thousandths and clamped to [0, 1], as they will be written */
  quantize(hds: Float32Array): Int16Array {
    const quantized = this.quantized;
    for (let index = 0; index < hds.length; index++) {
      const value = Math.round(hds[index] * 1000);
      quantized[index] = value < 0 ? 0 : value > 1000 ? 1000 : value;
    }
    return quantized;
  }

  /** one record; `quantized` from quantize() */
  write(record: RecordInfo, quantized: Int16Array): void {
    const fixed = `${record.chrom}\t${record.pos}\t${record.id}\t${record.ref}\t${record.alt}\t.\tPASS\t${record.info}\tGT:DS:HDS`;
    this.reserve(fixed.length * 3 + quantized.length * 12 + 2);
    let at = this.used + this.buffer.write(fixed, this.used, 'latin1');
    const out = this.buffer;
    for (let index = 0; index < quantized.length; index += 2) {
      const first = quantized[index];
      const second = quantized[index + 1];
      out[at++] = 9;
      out[at++] = first > 500 ? 49 : 48;
      out[at++] = 124;
      out[at++] = second > 500 ? 49 : 48;
      out[at++] = 58;
      at = copy(DOSAGE, first + second, out, at);
      out[at++] = 58;
      at = copy(HAPLOTYPE, first, out, at);
      out[at++] = 44;
      at = copy(HAPLOTYPE, second, out, at);
    }
    out[at++] = 10;
    this.used = at;
  }

  /** hand full buffers to the compressor; await between batches of records to bound memory */
  async drain(): Promise<void> {
    if (this.used < this.buffer.length >> 1) return;
    const batch = this.buffer.subarray(0, this.used);
    // the pool takes the batch's buffer over (transfers it): write on into a new one
    this.buffer = Buffer.allocUnsafeSlow(this.buffer.length);
    this.used = 0;
    await this.output.writeBatch(batch);
  }

  async close(): Promise<void> {
    if (this.used > 0) await this.output.writeBatch(this.buffer.subarray(0, this.used));
    this.used = 0;
    await this.output.close();
  }

  async abort(): Promise<void> {
    await this.output.abort();
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

function copy(table: DecimalTable, value: number, out: Buffer, at: number): number {
  const { bytes, offsets } = table;
  for (let index = offsets[value]; index < offsets[value + 1]; index++) out[at++] = bytes[index];
  return at;
}
