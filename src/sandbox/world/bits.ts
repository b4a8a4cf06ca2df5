/**
 * Bit matrices of alleles (1 = ALT): row-major, each row padded to whole 32-bit words. Panels are stored
 * site-major (a row per site, a column per haplotype); the imputation engine also wants them
 * haplotype-major, which `transpose` gives.
 */
export interface BitMatrix {
  rows: number;
  columns: number;
  /** 32-bit words per row */
  words: number;
  bits: Uint32Array;
}

export function createMatrix(rows: number, columns: number): BitMatrix {
  const words = Math.ceil(columns / 32);
  return { rows, columns, words, bits: new Uint32Array(rows * words) };
}

export function bitAt(matrix: BitMatrix, row: number, column: number): number {
  return (matrix.bits[row * matrix.words + (column >>> 5)] >>> (column & 31)) & 1;
}

export function setBit(matrix: BitMatrix, row: number, column: number): void {
  matrix.bits[row * matrix.words + (column >>> 5)] |= 1 << (column & 31);
}

export function popcount(word: number): number {
  let value = word - ((word >>> 1) & 0x55555555);
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return (Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** number of set bits in a row */
export function rowCount(matrix: BitMatrix, row: number): number {
  let count = 0;
  for (let word = row * matrix.words, end = word + matrix.words; word < end; word++) count += popcount(matrix.bits[word]);
  return count;
}

/** 32 bits of a row starting at `column` (bits past the row's end read as 0) */
function wordAt(matrix: BitMatrix, row: number, column: number): number {
  const index = column >>> 5;
  const shift = column & 31;
  const base = row * matrix.words;
  const low = index < matrix.words ? matrix.bits[base + index] >>> shift : 0;
  const high = shift > 0 && index + 1 < matrix.words ? matrix.bits[base + index + 1] << (32 - shift) : 0;
  return (low | high) >>> 0;
}

/** Copies `count` columns from `from` of every selected row into `target` at column `at` (same rows order). */
export function copyColumns(source: BitMatrix, rows: ArrayLike<number>, from: number, count: number, target: BitMatrix, at: number): void {
  for (let index = 0; index < rows.length; index++) {
    for (let offset = 0; offset < count; offset += 32) {
      const take = Math.min(32, count - offset);
      const value = wordAt(source, rows[index], from + offset) & (take === 32 ? 0xffffffff : (1 << take) - 1);
      const column = at + offset;
      const base = index * target.words + (column >>> 5);
      const shift = column & 31;
      target.bits[base] |= value << shift;
      if (shift > 0 && (column >>> 5) + 1 < target.words) target.bits[base + 1] |= value >>> (32 - shift);
    }
  }
}

/** a new matrix of the given rows and the column range [from, from + count) */
export function slice(source: BitMatrix, rows: ArrayLike<number>, from: number, count: number): BitMatrix {
  const target = createMatrix(rows.length, count);
  copyColumns(source, rows, from, count, target, 0);
  return target;
}

/** Calls `visit(column)` for every set bit of the row, in order (lowest set bit first: v & -v). */
export function forEachSet(matrix: BitMatrix, row: number, visit: (column: number) => void): void {
  const base = row * matrix.words;
  for (let word = 0; word < matrix.words; word++) {
    let value = matrix.bits[base + word];
    while (value !== 0) {
      const lowest = value & -value;
      visit((word << 5) + 31 - Math.clz32(lowest));
      value ^= lowest;
    }
  }
}

export function transpose(matrix: BitMatrix): BitMatrix {
  const result = createMatrix(matrix.columns, matrix.rows);
  for (let row = 0; row < matrix.rows; row++) forEachSet(matrix, row, (column) => setBit(result, column, row));
  return result;
}

/** `forEachSet` restricted to the columns [from, to) */
export function forEachSetIn(matrix: BitMatrix, row: number, from: number, to: number, visit: (column: number) => void): void {
  if (from >= to) return;
  const base = row * matrix.words;
  const first = from >>> 5;
  const last = (to - 1) >>> 5;
  for (let word = first; word <= last; word++) {
    let value = matrix.bits[base + word];
    if (word === first) value &= ~0 << (from & 31);
    if (word === last && (to & 31) !== 0) value &= (1 << (to & 31)) - 1;
    while (value !== 0) {
      const lowest = value & -value;
      visit((word << 5) + 31 - Math.clz32(lowest));
      value ^= lowest;
    }
  }
}
