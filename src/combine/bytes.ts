/** Reading numbers and fields straight from VCF bytes (no strings in the hot loop). */

export const TAB = 9;
export const COLON = 58;
export const COMMA = 44;
export const SEMICOLON = 59;
export const DOT = 46;
export const EQUALS = 61;

const POWERS = Float64Array.from({ length: 24 }, (_, exponent) => 10 ** exponent);

/** "0.083", "1", "-0.5", "1e-05" → number; "." or an empty field → NaN */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === 45;
  if (negative || bytes[at] === 43) at++;
  let whole = 0;
  let digits = 0;
  let byte = 0;
  while (at < end && (byte = bytes[at] - 48) >= 0 && byte <= 9) {
    whole = whole * 10 + byte;
    at++;
    digits++;
  }
  let fraction = 0;
  let places = 0;
  if (at < end && bytes[at] === DOT) {
    at++;
    while (at < end && (byte = bytes[at] - 48) >= 0 && byte <= 9) {
      fraction = fraction * 10 + byte;
      at++;
      places++;
    }
  }
  if (at !== end || places > 20) return slowDecimal(bytes, start, end);
  if (digits + places === 0) return Number.NaN;
  const value = whole + fraction / POWERS[places];
  return negative ? -value : value;
}

/** exponents, "nan", "inf" and anything else unusual */
function slowDecimal(bytes: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  const value = text === '.' || text === '' ? Number.NaN : Number(text);
  return value;
}

export function parseInteger(bytes: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let at = start; at < end; at++) {
    const digit = bytes[at] - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return end > start ? value : Number.NaN;
}

/** index of `byte` in [start, end), or end */
export function find(bytes: Uint8Array, byte: number, start: number, end: number): number {
  let at = start;
  while (at < end && bytes[at] !== byte) at++;
  return at;
}

/** bytes[start..end) equals the ASCII `text` */
export function equalsAscii(bytes: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let index = 0; index < text.length; index++) if (bytes[start + index] !== text.charCodeAt(index)) return false;
  return true;
}

const MINUS = 45;

/** where the last scanNumber stopped (module state: cheaper than returning a pair in the hot loop) */
export let scanEnd = 0;

/**
 * The number starting at `start`, read up to the first byte that cannot continue it; scanEnd is left there.
 * Plain decimals ("0", "0.083", "-1.5") in one pass; anything else ("1e-05", "nan") by parseDecimal.
 */
export function scanNumber(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  const negative = bytes[at] === MINUS;
  if (negative) at++;
  let value = 0;
  let digits = 0;
  let digit = 0;
  while (at < end && (digit = bytes[at] - 48) >= 0 && digit <= 9) {
    value = value * 10 + digit;
    at++;
    digits++;
  }
  if (at < end && bytes[at] === 46) {
    at++;
    let scale = 1;
    let fraction = 0;
    while (at < end && (digit = bytes[at] - 48) >= 0 && digit <= 9) {
      fraction = fraction * 10 + digit;
      scale *= 10;
      at++;
      digits++;
    }
    value += fraction / scale;
  }
  const next = at < end ? bytes[at] : TAB;
  if (next !== COMMA && next !== COLON && next !== TAB) {
    // an exponent or a word: hand the whole token to the careful parser
    let stop = at;
    while (stop < end && bytes[stop] !== COMMA && bytes[stop] !== COLON && bytes[stop] !== TAB) stop++;
    scanEnd = stop;
    return parseDecimal(bytes, start, stop);
  }
  scanEnd = at;
  if (digits === 0) return Number.NaN;
  return negative ? -value : value;
}
