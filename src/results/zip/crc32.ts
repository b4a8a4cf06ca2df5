/**
 * CRC-32 (ISO-HDLC, the zip and gzip one). zlib.crc32 is native (Node 20.15+); older Node 20 releases
 * fall back to the table loop below. The table is also ZipCrypto's key schedule (APPNOTE 6.1.5).
 */
import * as zlib from 'node:zlib';

/** CRC_TABLE[n]: the CRC register after shifting byte n through the reflected polynomial 0xEDB88320 */
export const CRC_TABLE: Int32Array = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native = (zlib as unknown as { crc32?: NativeCrc }).crc32;

/** the running CRC of `data` continued from `value` (0 to start), as an unsigned 32-bit number */
export function crc32(data: Uint8Array, value = 0): number {
  if (native) return native(data, value);
  let c = ~value;
  for (let index = 0; index < data.length; index++) c = CRC_TABLE[(c ^ data[index]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
