import { describe, expect, it } from 'vitest';
import { detectCompression, splitBlocks } from '../../src/vcf/bgzf.js';
import { BGZF_EOF, bgzfBlocksSync } from '../../src/vcf/bgzf-write.js';
import { LineSplitter, LineTooLongError, newDataLine, parseDataLine } from '../../src/vcf/scan.js';
import { gzipSync } from 'node:zlib';

function split(chunks: string[], maxLine?: number): { lines: string[]; crlf: number } {
  const lines: string[] = [];
  const splitter = new LineSplitter((buffer, start, end) => lines.push(buffer.toString('latin1', start, end)), maxLine);
  for (const chunk of chunks) splitter.push(Buffer.from(chunk, 'latin1'));
  splitter.end();
  return { lines, crlf: splitter.crlfLines };
}

function parse(line: string, samples = 8) {
  const buffer = Buffer.from(`xx${line}yy`, 'latin1');
  return { ...parseDataLine(buffer, 2, buffer.length - 2, samples, newDataLine()) };
}

describe('LineSplitter', () => {
  it('joins lines across chunks, strips CR before LF and counts it, keeps a last line without LF', () => {
    expect(split(['ab', 'c\nde', 'f\r', '\ng', 'h\n\nlast'])).toEqual({ lines: ['abc', 'def', 'gh', '', 'last'], crlf: 1 });
  });

  it('bounds memory on a file without newlines', () => {
    expect(() => split(['a'.repeat(10), 'b'.repeat(10)], 15)).toThrow(LineTooLongError);
  });
});

describe('parseDataLine', () => {
  it('reads the fixed columns and counts phased and unphased GTs among the first samples', () => {
    expect(parse('chr20\t123\trs1\tA\tC,T\t.\tPASS\t.\tGT\t0|1\t1/1\t.\t0|0')).toMatchObject({
      chrom: 'chr20',
      pos: 123,
      ref: 'A',
      alt: 'C,T',
      hasFormat: true,
      hasGt: true,
      phased: 2,
      unphased: 1,
      valid: true,
    });
    expect(parse('1\t5\t.\tA\tC\t.\t.\t.\tGT\t0|1\t0|1\t0/1', 2)).toMatchObject({ phased: 2, unphased: 0 });
  });

  it('finds GT when it is not the first FORMAT key', () => {
    expect(parse('1\t5\t.\tA\tC\t.\t.\t.\tDS:GT\t0.5:0/1\t1:1|1')).toMatchObject({ hasGt: true, phased: 1, unphased: 1 });
    expect(parse('1\t5\t.\tA\tC\t.\t.\t.\tDS:GP\t0.5:0/1')).toMatchObject({ hasGt: false, phased: 0, unphased: 0 });
  });

  it('marks sites-only lines, short lines and bad positions', () => {
    expect(parse('1\t5\t.\tA\tC\t.\t.\t.')).toMatchObject({ valid: true, hasFormat: false, hasGt: false });
    expect(parse('1\t5\t.\tA')).toMatchObject({ valid: false });
    expect(parse('1\tx5\t.\tA\tC\t.\t.\t.\tGT\t0|1')).toMatchObject({ valid: false });
  });
});

describe('detectCompression and block splitting', () => {
  it('tells BGZF, gzip, text and binary apart by magic bytes', () => {
    expect(detectCompression(bgzfBlocksSync(Buffer.from('##fileformat=VCFv4.2\n')))).toBe('bgzf');
    expect(detectCompression(gzipSync('x'))).toBe('gzip');
    expect(detectCompression(Buffer.from('##fileformat=VCFv4.2\n'))).toBe('none');
    expect(detectCompression(Buffer.from([0x6c, 0x1b, 0x01, 0]))).toBe('unknown');
  });

  it('stops at the last complete block and notices the EOF block', () => {
    const blocks = Buffer.concat([bgzfBlocksSync(Buffer.alloc(200_000, 65)), BGZF_EOF]);
    expect(splitBlocks(blocks, 0)).toEqual({ end: blocks.length, lastEmpty: true });
    const cut = splitBlocks(blocks.subarray(0, blocks.length - 30), 0);
    expect(cut.lastEmpty).toBe(false);
    expect(cut.end).toBeLessThan(blocks.length - 30);
  });
});
