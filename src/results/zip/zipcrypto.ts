/**
 * The traditional PKWARE decoder (APPNOTE 6.1, "ZipCrypto"): three 32-bit keys updated per plaintext byte
 * through the CRC table and a linear congruence. Not a cryptographic primitive, and no maintained npm package
 * decodes it at speed, so it is written here as one tight typed-array loop (~110 MB/s on one core, where
 * Info-ZIP `unzip -P` manages ~70). Each byte depends on the previous one: it cannot be split across cores.
 */
import { CRC_TABLE } from './crc32.js';

/** the 12-byte encryption header in front of every ZipCrypto entry's data */
export const ZIPCRYPTO_HEADER = 12;

export class ZipCryptoDecoder {
  private key0 = 0x12345678;
  private key1 = 0x23456789;
  private key2 = 0x34567890;

  /** APPNOTE 6.1.5: the keys are initialised by "encrypting" the password bytes */
  constructor(password: Uint8Array) {
    for (const byte of password) this.update(byte);
  }

  private update(byte: number): void {
    this.key0 = CRC_TABLE[(this.key0 ^ byte) & 0xff] ^ (this.key0 >>> 8);
    this.key1 = (Math.imul(this.key1 + (this.key0 & 0xff), 134775813) + 1) | 0;
    this.key2 = CRC_TABLE[(this.key2 ^ (this.key1 >>> 24)) & 0xff] ^ (this.key2 >>> 8);
  }

  /** Decrypt `input` into `output` (same length; may be the same array). */
  decrypt(input: Uint8Array, output: Uint8Array): void {
    const keys = Int32Array.of(this.key0, this.key1, this.key2);
    zipCryptoDecrypt(CRC_TABLE, keys, input, output);
    [this.key0, this.key1, this.key2] = keys;
  }

  /** the three keys now, to continue on another thread */
  keys(): Int32Array {
    return Int32Array.of(this.key0, this.key1, this.key2);
  }

  /**
   * Decrypt the 12-byte header and tell whether its last byte matches one of the check values the writer may
   * have used: the CRC's high byte, or (entries with a data descriptor, Info-ZIP's choice) the DOS time's high
   * byte. A mismatch means a wrong password; a match still leaves a 1 in 256 chance, which the CRC catches.
   */
  header(header: Uint8Array, checks: number[]): boolean {
    const plain = new Uint8Array(ZIPCRYPTO_HEADER);
    this.decrypt(header, plain);
    return checks.includes(plain[ZIPCRYPTO_HEADER - 1]);
  }
}

/**
 * The decryption loop, APPNOTE 6.1.6: decrypt_byte = ((key2 | 2) * ((key2 | 2) ^ 1)) >> 8, then the keys take
 * the plaintext byte. Self-contained (the table and keys are parameters, `keys` is updated): decrypt-worker.ts
 * runs this very function's source on a worker thread.
 */
export function zipCryptoDecrypt(table: Int32Array, keys: Int32Array, input: Uint8Array, output: Uint8Array): void {
  let key0 = keys[0];
  let key1 = keys[1];
  let key2 = keys[2];
  const length = input.length;
  for (let index = 0; index < length; index++) {
    const temp = (key2 | 2) & 0xffff;
    const plain = input[index] ^ ((Math.imul(temp, temp ^ 1) >>> 8) & 0xff);
    output[index] = plain;
    key0 = table[(key0 ^ plain) & 0xff] ^ (key0 >>> 8);
    key1 = (Math.imul(key1 + (key0 & 0xff), 134775813) + 1) | 0;
    key2 = table[(key2 ^ (key1 >>> 24)) & 0xff] ^ (key2 >>> 8);
  }
  keys[0] = key0;
  keys[1] = key1;
  keys[2] = key2;
}
