/**
 * WinZip AES (AE-1/AE-2, https://www.winzip.com/en/support/aes-encryption/), built only from node:crypto:
 * PBKDF2-HMAC-SHA1 (1000 rounds) derives the AES key, the HMAC key and a 2-byte password verifier from the
 * entry's salt; the data is AES-CTR with WinZip's counter — a little-endian block number starting at 1, which
 * OpenSSL's big-endian CTR mode does not produce, so the keystream is AES-ECB over counter blocks written
 * here; the last 10 bytes are HMAC-SHA1 of the ciphertext, truncated.
 */
import { createCipheriv, createHmac, pbkdf2, timingSafeEqual, type Cipher, type Hmac } from 'node:crypto';
import { promisify } from 'node:util';

export const AES_AUTH_CODE = 10;
const VERIFIER = 2;
const BLOCK = 16;
/** scratch sizes: 4096 blocks */
const BATCH = 64 << 10;
/** counter blocks are written as 32-bit words in the host's order; WinZip's are little-endian */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** strength 1, 2, 3 → AES-128, -192, -256 */
export function aesSaltLength(strength: number): number {
  return 4 + 4 * strength;
}

export function aesOverhead(strength: number): number {
  return aesSaltLength(strength) + VERIFIER + AES_AUTH_CODE;
}

export class AesDecoder {
  /** bytes of keystream used so far: the position in the entry's ciphertext */
  private position = 0;
  private counters = new Uint32Array(0);
  private aligned = new Uint8Array(0);

  private constructor(
    private readonly cipher: Cipher,
    private readonly mac: Hmac,
  ) {}

  /** null when the password verifier does not match (a wrong password) */
  static async create(password: Uint8Array, strength: number, salt: Uint8Array, verifier: Uint8Array): Promise<AesDecoder | null> {
    const keyLength = 8 + 8 * strength;
    const derived = await promisify(pbkdf2)(password, salt, 1000, 2 * keyLength + VERIFIER, 'sha1');
    if (!timingSafeEqual(derived.subarray(2 * keyLength), verifier)) return null;
    const cipher = createCipheriv(`aes-${keyLength * 8}-ecb`, derived.subarray(0, keyLength), null);
    cipher.setAutoPadding(false);
    return new AesDecoder(cipher, createHmac('sha1', derived.subarray(keyLength, 2 * keyLength)));
  }

  /** the authentication code covers the ciphertext: call with exactly the entry's encrypted bytes */
  authenticate(ciphertext: Uint8Array): void {
    this.mac.update(ciphertext);
  }

  verify(code: Uint8Array): boolean {
    const expected = this.mac.digest().subarray(0, AES_AUTH_CODE);
    return code.length === AES_AUTH_CODE && timingSafeEqual(expected, code);
  }

  /** XOR with the keystream (`output` may be `input`), 32 bits at a time where the buffers allow */
  decrypt(input: Uint8Array, output: Uint8Array): void {
    const length = input.length;
    const skip = this.position % BLOCK;
    const keystream = this.keystream(Math.floor(this.position / BLOCK), Math.ceil((skip + length) / BLOCK));
    this.position += length;
    // the keystream byte for output[0] is keystream[skip]: line it up with the output, then XOR word by word
    if (this.aligned.length < length) this.aligned = new Uint8Array(Math.max(length, BATCH));
    const pad = this.aligned.subarray(0, length);
    pad.set(keystream.subarray(skip, skip + length));
    if (output !== input) output.set(input);
    const words = output.byteOffset % 4 === 0 ? length >> 2 : 0;
    const target = new Int32Array(output.buffer, output.byteOffset, words);
    const source = new Int32Array(pad.buffer, 0, words);
    for (let index = 0; index < words; index++) target[index] ^= source[index];
    for (let index = words * 4; index < length; index++) output[index] ^= pad[index];
  }

  /** AES of the counter blocks numbered first+1 … first+count (WinZip counts from 1, 64-bit little-endian) */
  private keystream(first: number, count: number): Uint8Array {
    if (this.counters.length < count * 4) this.counters = new Uint32Array(Math.max(count, BATCH / BLOCK) * 4);
    const counters = this.counters;
    for (let index = 0; index < count; index++) {
      const block = first + index + 1;
      if (LITTLE_ENDIAN) {
        counters[index * 4] = block >>> 0;
        counters[index * 4 + 1] = Math.floor(block / 2 ** 32);
      } else {
        const view = new DataView(counters.buffer, index * BLOCK, 8);
        view.setUint32(0, block >>> 0, true);
        view.setUint32(4, Math.floor(block / 2 ** 32), true);
      }
    }
    return this.cipher.update(new Uint8Array(counters.buffer, 0, count * BLOCK));
  }
}
