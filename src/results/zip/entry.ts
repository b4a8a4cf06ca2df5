/**
 * One entry's data, from wherever its local header ended to the end of its data descriptor: decrypted
 * (ZipCrypto or WinZip AES), inflated or stored, handed to the sink, and verified — sizes against the headers
 * and the descriptor, CRC-32 of the output, the AES authentication code of the ciphertext.
 */
import { AES_AUTH_CODE, AesDecoder, aesOverhead, aesSaltLength } from './aes.js';
import { crc32 } from './crc32.js';
import { NeedsCentralDirectory, ZipError, ZipFormatError } from './errors.js';
import { FLAG, MAX_DESCRIPTOR, METHOD, descriptor, type EntryHeader } from './format.js';
import { localDecryptor, zipCryptoDecryptor, type Decryptor } from './decrypt.js';
import { AHEAD, CHUNK } from './chunks.js';
import { inflateEntry } from './inflate.js';
import type { ByteSource } from './source.js';
import { ZIPCRYPTO_HEADER, ZipCryptoDecoder } from './zipcrypto.js';

export interface EntryInput {
  source: ByteSource;
  header: EntryHeader;
  /** the sizes in `header` can be relied on (a central-directory header, or a local one that carries them) */
  sizesKnown: boolean;
  /** where the local header started, for NeedsCentralDirectory */
  offset: number;
  password: Uint8Array | null;
  /** receives the entry's bytes in order */
  write: (plain: Uint8Array) => Promise<void>;
  /** throws when the output passes a bound; called with the entry's output so far, before each write */
  guard: (produced: number) => void;
}

export interface EntryResult {
  compressedSize: number;
  size: number;
  crc: number;
}

interface Decryption {
  decryptor?: Decryptor;
  aes?: AesDecoder;
  overhead: number;
}

/** a stored entry: its chunks decrypted AHEAD at a time, written in order */
async function readStored(source: ByteSource, payload: number, name: string, decryption: Decryption, emit: (plain: Uint8Array) => Promise<void>): Promise<void> {
  const { decryptor, aes } = decryption;
  const ahead: Promise<Uint8Array>[] = [];
  const next = async () => {
    const plain = await ahead.shift()!;
    await emit(plain);
    decryptor?.release(plain);
  };
  try {
    for (let remaining = payload; remaining > 0; ) {
      const raw = await source.chunk(Math.min(remaining, CHUNK));
      if (!raw) throw new ZipFormatError(`the archive ends inside ${name}`, name);
      remaining -= raw.length;
      aes?.authenticate(raw);
      const plain = decryptor ? decryptor.decrypt(raw) : Promise.resolve(raw);
      plain.catch(() => undefined);
      ahead.push(plain);
      if (ahead.length >= AHEAD) await next();
    }
    while (ahead.length > 0) await next();
  } finally {
    ahead.length = 0;
  }
}

export async function readEntry(input: EntryInput): Promise<EntryResult> {
  const { source, header } = input;
  const name = header.name;
  if (header.flags & FLAG.strong) throw new ZipError('unsupported', `${name} uses PKWARE strong encryption, which fedimpute cannot read`, name);
  if (header.method === METHOD.aes && !header.aes) throw new ZipFormatError(`${name} is marked AES-encrypted but has no AES header`, name);
  const method = header.aes && header.method === METHOD.aes ? header.aes.method : header.method;
  if (method !== METHOD.stored && method !== METHOD.deflated)
    throw new ZipError('unsupported', `${name} uses compression method ${method}, which fedimpute cannot read (only stored and deflated)`, name);
  const descriptorFollows = (header.flags & FLAG.descriptor) !== 0;
  if (!input.sizesKnown && method === METHOD.stored) throw new NeedsCentralDirectory(input.offset);

  const decryption = await startDecryption(input);
  const payload = input.sizesKnown ? header.compressedSize - decryption.overhead : undefined;
  if (payload !== undefined && payload < 0) throw new ZipFormatError(`${name} is shorter than its encryption header`, name);
  if (input.sizesKnown && method === METHOD.stored && header.size !== payload)
    throw new ZipFormatError(`${name} is stored but its sizes differ (${header.size} and ${payload})`, name);

  let crc = 0;
  let produced = 0;
  const emit = async (plain: Uint8Array) => {
    produced += plain.length;
    if (input.sizesKnown && produced > header.size)
      throw new ZipError('bounds', `${name} grows past its declared size of ${header.size} bytes`, name);
    input.guard(produced);
    crc = crc32(plain, crc);
    await input.write(plain);
  };
  let compressed: number;
  try {
    if (method === METHOD.stored) {
      await readStored(source, payload!, name, decryption, emit);
      compressed = payload!;
    } else {
      compressed = await inflateEntry({ source, payload, entry: name, decryptor: decryption.decryptor, aes: decryption.aes, emit });
    }
  } finally {
    decryption.decryptor?.close();
  }
  if (decryption.aes && !decryption.aes.verify(await source.exactly(AES_AUTH_CODE, `the authentication code of ${name}`)))
    throw new ZipError('corrupt', `${name} is corrupt (AES authentication code mismatch)`, name);
  const result = { compressedSize: compressed + decryption.overhead, size: produced, crc };
  const expected = descriptorFollows ? await readDescriptor(source, header, result) : header;
  if (input.sizesKnown && (header.compressedSize !== result.compressedSize || header.size !== result.size))
    throw new ZipFormatError(`${name} does not have the sizes its header declares`, name);
  // AE-2 leaves the CRC out (0): the authentication code stands for it
  const checkCrc = !(header.aes && header.aes.version === 2);
  if (checkCrc && expected.crc !== crc) throw new ZipError('corrupt', `${name} is corrupt (CRC mismatch)`, name);
  return result;
}

async function startDecryption(input: EntryInput): Promise<Decryption> {
  const { header, source, password } = input;
  const name = header.name;
  if (!(header.flags & FLAG.encrypted)) return { overhead: 0 };
  if (!password) throw new ZipError('no-password', `${name} is encrypted and no password is stored for this job`, name);
  if (header.aes && header.method === METHOD.aes) {
    const strength = header.aes.strength;
    if (strength < 1 || strength > 3) throw new ZipError('unsupported', `${name} uses an unknown AES key strength (${strength})`, name);
    const salt = await source.exactly(aesSaltLength(strength), `the AES header of ${name}`);
    const verifier = await source.exactly(2, `the AES header of ${name}`);
    const aes = await AesDecoder.create(password, strength, salt, verifier);
    if (!aes) throw new ZipError('password', `wrong password for ${name}`, name);
    return { aes, overhead: aesOverhead(strength), decryptor: localDecryptor((from, to) => aes.decrypt(from, to)) };
  }
  const decoder = new ZipCryptoDecoder(password);
  const encryptionHeader = await source.exactly(ZIPCRYPTO_HEADER, `the encryption header of ${name}`);
  // APPNOTE 6.1.6: the CRC's high byte; writers that stream (data descriptor) use the DOS time's high byte
  const checks = [(header.flags & FLAG.descriptor) !== 0 ? (header.time >> 8) & 0xff : -1];
  if (!(header.flags & FLAG.descriptor) || header.crc !== 0) checks.push(header.crc >>> 24);
  if (!decoder.header(encryptionHeader, checks)) throw new ZipError('password', `wrong password for ${name}`, name);
  return { overhead: ZIPCRYPTO_HEADER, decryptor: zipCryptoDecryptor(decoder) };
}

/**
 * The data descriptor after the data: 4- or 8-byte sizes (zip64 writers differ on when they use which),
 * optionally signed; the reading that matches the data just read is the one the writer meant.
 */
async function readDescriptor(source: ByteSource, header: EntryHeader, actual: EntryResult): Promise<{ crc: number }> {
  const bytes = await source.upTo(MAX_DESCRIPTOR);
  const readings = [false, true]
    .filter((wide) => bytes.length >= (wide ? 20 : 12))
    .map((wide) => descriptor(bytes, wide))
    .filter((reading) => reading.length <= bytes.length);
  if (header.zip64) readings.reverse();
  const match = readings.find((reading) => reading.compressedSize === actual.compressedSize && reading.size === actual.size);
  if (!match) {
    source.unread(bytes);
    throw new ZipFormatError(`the data descriptor of ${header.name} does not match its data`, header.name);
  }
  source.unread(bytes.subarray(match.length));
  return match;
}
