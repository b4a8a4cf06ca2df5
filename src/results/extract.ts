/**
 * Decrypt and extract a Michigan chr_<N>.zip (ZipCrypto or AES-256) with zip.js, streaming: the reader is a
 * file-backed Blob (fs.openAsBlob reads ranges on demand) and each entry is written through a WritableStream
 * to `.name.part`, so a 1 GiB zip never sits in memory. zip.js is loaded only here.
 */
import { openAsBlob } from 'node:fs';
import { rm } from 'node:fs/promises';
import { destination, safeRelative } from './layout.js';
import { FileFailure, PartFile, type FileDigest } from './write.js';

export interface ExtractedEntry extends FileDigest {
  /** entry name inside the zip, made safe */
  name: string;
  path: string;
}

export interface ExtractOptions {
  password: string | null;
  /** the zip's name for messages, e.g. chr_20.zip */
  label: string;
  onBytes?: (done: number, total: number) => void;
}

export async function extractZip(zipPath: string, folder: string, options: ExtractOptions): Promise<ExtractedEntry[]> {
  const zip = await import('@zip.js/zip.js');
  zip.configure({ useWebWorkers: false });
  const reader = new zip.ZipReader(new zip.BlobReader(await openAsBlob(zipPath)), { password: options.password ?? undefined });
  const written: ExtractedEntry[] = [];
  try {
    const entries = await reader.getEntries().catch((error: unknown) => {
      throw new FileFailure(`cannot open ${options.label}: ${(error as Error).message}; the file is kept at ${zipPath}`, 'io');
    });
    const total = entries.reduce((sum, entry) => sum + (entry.directory ? 0 : entry.uncompressedSize), 0);
    let before = 0;
    for (const entry of entries) {
      if (entry.directory) continue;
      const name = safeRelative(entry.filename);
      if (!name) throw new FileFailure(`${options.label} holds an entry with an unsafe name (${entry.filename}); nothing was extracted`, 'io');
      const path = destination(folder, name);
      // hashed inline: zip.js decryption, not the hash, sets the pace here (and a worker would add memory)
      const file = await PartFile.create(path, name);
      const offset = before;
      try {
        await entry.getData(new WritableStream<Uint8Array>({ write: (chunk) => file.write(chunk) }), {
          password: options.password ?? undefined,
          onprogress: async (done: number) => options.onBytes?.(offset + done, total),
        });
        written.push({ name, path, ...(await file.commit()) });
      } catch (error) {
        await file.abort();
        throw zipFailure(error, options.label, zipPath);
      }
      before += entry.uncompressedSize;
    }
    return written;
  } catch (error) {
    // all or nothing: a zip counts as extracted only when every entry is
    await Promise.all(written.map((entry) => rm(entry.path, { force: true })));
    throw error;
  } finally {
    await reader.close().catch(() => undefined);
  }
}

function zipFailure(error: unknown, label: string, zipPath: string): Error {
  if (error instanceof FileFailure) return error;
  const message = (error as Error).message ?? String(error);
  const kept = `the downloaded zip is kept at ${zipPath}; download again extracts it without fetching it`;
  if (/invalid password/i.test(message))
    return new FileFailure(`cannot decrypt ${label}: wrong password (the password stored for this job does not open it); ${kept}`, 'password');
  if (/encrypted entry/i.test(message))
    return new FileFailure(`cannot decrypt ${label}: no password is stored for this job; ${kept}`, 'password');
  return new FileFailure(`cannot extract ${label}: ${message}; ${kept}`, 'io');
}
