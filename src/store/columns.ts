/**
 * The store's JSON columns are an edge like the network: a file another version wrote, or one edited by
 * hand, may hold anything. They are read through these decoders, never cast: a damaged value is one clear
 * error naming the job, not a crash deep in an upload.
 */
import { ConfigError } from '../errors.js';
import type { InputRecord } from '../domain/inputs.js';
import type { SubmitOptions } from '../domain/submission.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parse(text: string | null, fallback: Json, where: string): Json {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw damaged(where, 'is not JSON');
  }
}

function damaged(where: string, what: string): ConfigError {
  return new ConfigError(`the job store's ${where} ${what}`, { hint: 'the store was changed outside fedimpute; submit the job again' });
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** a job's input_files column: [{path, name, size, sha256}] */
export function inputsOf(job: { id: string; input_files: string | null }): InputRecord[] {
  const where = `inputs of job ${job.id.slice(0, 8)}`;
  const value = parse(job.input_files, [], where);
  if (!Array.isArray(value)) throw damaged(where, 'are not a list');
  return value.map((entry, index) => {
    if (!isObject(entry) || typeof entry.path !== 'string' || typeof entry.size !== 'number') {
      throw damaged(where, `have no path and size at entry ${index}`);
    }
    return {
      path: entry.path,
      name: typeof entry.name === 'string' ? entry.name : '',
      size: entry.size,
      sha256: typeof entry.sha256 === 'string' ? entry.sha256 : '',
    };
  });
}

const PHASING: readonly string[] = ['eagle', 'beagle', 'no_phasing'];

/** a child's options column: what it was submitted with */
export function optionsOf(job: { id: string; options: string | null }): SubmitOptions {
  const where = `options of job ${job.id.slice(0, 8)}`;
  const value = parse(job.options, {}, where);
  if (!isObject(value)) throw damaged(where, 'are not an object');
  const { build, phasing, mode, population, r2Filter, aesEncryption, meta } = value;
  if (build !== 'hg19' && build !== 'hg38') throw damaged(where, `name no build (hg19 or hg38)`);
  if (typeof phasing !== 'string' || !PHASING.includes(phasing)) throw damaged(where, 'name no phasing');
  if (mode !== 'imputation' && mode !== 'qc-only') throw damaged(where, 'name no mode');
  return {
    build,
    phasing: phasing as SubmitOptions['phasing'],
    mode,
    ...(typeof population === 'string' ? { population } : {}),
    ...(typeof r2Filter === 'string' ? { r2Filter } : {}),
    ...(typeof aesEncryption === 'boolean' ? { aesEncryption } : {}),
    ...(typeof meta === 'boolean' ? { meta } : {}),
  };
}

/** a JSON column shown as it is (status --json's options), or the fallback when empty */
export function jsonOf(text: string | null, fallback: unknown): unknown {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fallback;
  }
}
