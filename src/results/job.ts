/**
 * One child's download, as results/ passes it around: where its files go, how they are fetched, what bounds
 * its zips, and the pools that pace it. Built per child by run.ts.
 */
import type { ImputationAdapter } from '../adapters/types.js';
import type { JobRow } from '../store/rows.js';
import type { Store } from '../store/store.js';
import type { Progress } from './progress.js';
import type { ZipLimits } from './zip/limits.js';

export interface ChildJob {
  store: Store;
  child: JobRow;
  slug: string;
  folder: string;
  /** one GET of an output, as its protocol wants it (once when downloads are counted, the token only at home) */
  download: ImputationAdapter['download'];
  keepZips: boolean;
  limits: ZipLimits;
  /** claim an output file for `source` (a listed output or a zip); returns what already writes there */
  claimOutput(name: string, source: string): string | undefined;
  /** folders file:// outputs may be copied from (the adapter's capabilities: WES outputs.local_roots) */
  localRoots: readonly string[];
  progress: Progress;
  signal: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** runs one file at a time per slot (p-limit) */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** within a file slot, zips take one of fewer slots: each streams through a decryptor, zlib and two writers */
  zipLimit: <T>(task: () => Promise<T>) => Promise<T>;
}
