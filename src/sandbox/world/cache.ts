/**
 * Worlds are simulated once per spec and kept: in memory for the life of the process, and on disk under a
 * folder (`world-<key>.bin`, the key naming the seed, sizes and format version). The file is a small JSON
 * header followed by the typed arrays, each 8-byte aligned; it is written to a temporary name and renamed,
 * so a reader never sees half a file, and an unreadable file is simply simulated again.
 */
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BitMatrix } from './bits.js';
import { WORLD_FORMAT, worldKey, type WorldSpec } from './spec.js';
import { simulateWorld, type World } from './world.js';

const MAGIC = 'FIWORLD1';
const memory = new Map<string, World>();

/** The world of `spec`, simulated at most once per process. */
export function worldFor(spec: WorldSpec): World {
  const key = worldKey(spec);
  let world = memory.get(key);
  if (!world) memory.set(key, (world = simulateWorld(spec)));
  return world;
}

export function worldFile(dir: string, spec: WorldSpec): string {
  return join(dir, `world-${worldKey(spec)}.bin`);
}

/** paths known to hold their world's file (read or written by this process) */
const onDisk = new Set<string>();

/**
 * The world of `spec` from the cache folder, simulated and saved there when missing. A world this process
 * already has (from another folder) is saved in this one too, so the folder is a cache whatever ran before.
 */
export async function loadWorld(spec: WorldSpec, dir: string): Promise<World> {
  const key = worldKey(spec);
  const path = worldFile(dir, spec);
  let world = memory.get(key);
  if (!world) {
    const read = await readWorldFile(path, spec);
    if (read) onDisk.add(path);
    world = memory.get(key) ?? read ?? simulateWorld(spec);
    memory.set(key, world);
  }
  if (!onDisk.has(path)) {
    onDisk.add(path);
    const present = await access(path).then(() => true, () => false);
    if (!present) await saveWorld(world, path).catch(() => undefined); // a read-only folder only costs the next start a simulation
  }
  return world;
}

type Typed = Float64Array | Int32Array | Uint32Array | Uint8Array;
const TYPES = { Float64Array, Int32Array, Uint32Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;

function parts(world: World): [string, Typed][] {
  return [
    ['mapBases', world.map.bases], ['mapCentimorgans', world.map.centimorgans], ['positions', world.positions],
    ['ref', world.ref], ['alt', world.alt], ['centimorgans', world.centimorgans], ['referenceA', world.referenceA.bits],
    ['referenceB', world.referenceB.bits], ['study', world.study.bits], ['chip', world.chip],
  ];
}

async function saveWorld(world: World, path: string): Promise<void> {
  const arrays = parts(world);
  const shape = (matrix: BitMatrix) => ({ rows: matrix.rows, columns: matrix.columns, words: matrix.words });
  const header = Buffer.from(JSON.stringify({
    format: WORLD_FORMAT, key: worldKey(world.spec), spec: world.spec, chromosome: world.chromosome,
    matrices: { referenceA: shape(world.referenceA), referenceB: shape(world.referenceB), study: shape(world.study) },
    arrays: arrays.map(([name, array]) => ({ name, type: array.constructor.name, length: array.length })),
  }));
  const chunks: Buffer[] = [Buffer.from(MAGIC), u32(header.length), header];
  let offset = MAGIC.length + 4 + header.length;
  for (const [, array] of arrays) {
    const pad = (8 - (offset % 8)) % 8;
    chunks.push(Buffer.alloc(pad), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    offset += pad + array.byteLength;
  }
  await mkdir(join(path, '..'), { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  await writeFile(partial, Buffer.concat(chunks));
  await rename(partial, path).catch(async (error: unknown) => {
    await rm(partial, { force: true });
    throw error;
  });
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
}

interface Header {
  format: number;
  key: string;
  spec: WorldSpec;
  chromosome: string;
  matrices: Record<'referenceA' | 'referenceB' | 'study', { rows: number; columns: number; words: number }>;
  arrays: { name: string; type: TypeName; length: number }[];
}

/** The world saved at `path` if it is whole and of this spec, else undefined. */
export async function readWorldFile(path: string, spec: WorldSpec): Promise<World | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  try {
    if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return undefined;
    const length = bytes.readUInt32LE(MAGIC.length);
    const header = JSON.parse(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + length).toString('utf8')) as Header;
    if (header.format !== WORLD_FORMAT || header.key !== worldKey(spec)) return undefined;
    const arrays = new Map<string, Typed>();
    let offset = MAGIC.length + 4 + length;
    for (const entry of header.arrays) {
      offset += (8 - (offset % 8)) % 8;
      const array = new TYPES[entry.type](entry.length);
      if (array.byteLength > bytes.length - offset) return undefined;
      new Uint8Array(array.buffer).set(bytes.subarray(offset, offset + array.byteLength));
      offset += array.byteLength;
      arrays.set(entry.name, array);
    }
    const get = <T extends Typed>(name: string) => arrays.get(name) as T;
    const matrix = (name: 'referenceA' | 'referenceB' | 'study'): BitMatrix => ({ ...header.matrices[name], bits: get<Uint32Array>(name) });
    return {
      spec, chromosome: header.chromosome,
      map: { bases: get('mapBases'), centimorgans: get('mapCentimorgans') },
      positions: get('positions'), ref: get('ref'), alt: get('alt'), centimorgans: get('centimorgans'),
      referenceA: matrix('referenceA'), referenceB: matrix('referenceB'), study: matrix('study'), chip: get('chip'),
    };
  } catch {
    return undefined;
  }
}
