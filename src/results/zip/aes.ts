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
/** keystream made per call to OpenSSL: 4096 blocks */
const BATCH = 64 << 10;

/** strength 1, 2, 3 → AES-128, -192, -256 */
export function aesSaltLength(strength: number): number {
  return 4 + 4 * strength;
}

export function aesOverhead(strength: number): number {
  return aesSaltLength(strength) + VERIFIER + AES_AUTH_CODE;
}

export class AesDecoder {
  private readonly counters = new DataView(new ArrayBuffer(BATCH));
  private keystream: Uint8Array = new Uint8Array(0);
  private used = 0;
  private block = 0;

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

  /** XOR with the keystream; `output` may be `input` */
  decrypt(input: Uint8Array, output: Uint8Array): void {
    let keystream = this.keystream;
    let used = this.used;
    for (let index = 0; index < input.length; index++) {
      if (used === keystream.length) {
        keystream = this.more();
        used = 0;
      }
      output[index] = input[index] ^ keystream[used++];
    }
    this.keystream = keystream;
    this.used = used;
  }

  /** the next BATCH bytes of keystream: AES of blocks numbered block+1, block+2, … (64-bit little-endian) */
  private more(): Uint8Array {
    const counters = this.counters;
    for (let offset = 0; offset < BATCH; offset += BLOCK) {
      this.block++;
      counters.setUint32(offset, this.block >>> 0, true);
      counters.setUint32(offset + 4, Math.floor(this.block / 2 ** 32), true);
    }
    return this.cipher.update(new Uint8Array(counters.buffer));
  }
}
