/**
 * Source of the BGZF worker, kept as a string and started from a `data:` URL as an ES module: vitest
 * transpiles our TypeScript on the fly but not worker entry files, and dist/ has no .ts, so a string works
 * from both without a path to resolve. Not `eval: true`: an eval worker inherits the parent's
 * `--input-type=module` and then `require` is undefined; a data: URL is always an ES module.
 *
 * Messages in: {id, op: 'inflate', data: Uint8Array of whole BGZF blocks}
 *              {id, op: 'deflate', data: Uint8Array of raw bytes, level} -> BGZF blocks (no EOF block)
 *              {id: 0, op: 'recycle', data: Uint8Array over a whole buffer} -> no answer; kept to write a later result in
 * Messages out: {id, data: Uint8Array} (buffer transferred) or {id, error: string}
 */
export const INFLATE_WORKER_CODE = `
import { parentPort } from 'node:worker_threads';
import zlib from 'node:zlib';

function inflateBlocks(input) {
  // First pass: block bounds and the inflated total (from ISIZE), so the output is one allocation.
  const blocks = [];
  let total = 0;
  for (let offset = 0; offset < input.length; ) {
    if (input.length - offset < 18) throw new Error('truncated BGZF');
    const xlen = input[offset + 10] | (input[offset + 11] << 8);
    const bsize = (input[offset + 16] | (input[offset + 17] << 8)) + 1;
    if (offset + bsize > input.length) throw new Error('truncated BGZF');
    const isize = readUint32(input, offset + bsize - 4);
    blocks.push(offset + 12 + xlen, offset + bsize - 8, isize);
    total += isize;
    offset += bsize;
  }
  const output = outputBuffer(total);
  let at = 0;
  for (let index = 0; index < blocks.length; index += 3) {
    const isize = blocks[index + 2];
    if (isize === 0) continue;
    const inflated = zlib.inflateRawSync(input.subarray(blocks[index], blocks[index + 1]));
    if (inflated.length !== isize) throw new Error('corrupt BGZF block: ISIZE ' + isize + ' but inflated ' + inflated.length);
    output.set(inflated, at);
    at += isize;
  }
  return output;
}

// Buffers given back (recycle) or emptied here, reused for results: the smallest that is large enough.
const spares = [];
const SPARES = 8;
function keep(arrayBuffer) {
  if (spares.length >= SPARES) spares.sort((a, b) => a.byteLength - b.byteLength).shift();
  spares.push(arrayBuffer);
}
function outputBuffer(size) {
  let best = -1;
  for (let index = 0; index < spares.length; index++) {
    const length = spares[index].byteLength;
    if (length >= size && length <= 4 * size + 65536 && (best < 0 || length < spares[best].byteLength)) best = index;
  }
  if (best < 0) return Buffer.allocUnsafeSlow(size);
  return Buffer.from(spares.splice(best, 1)[0], 0, size);
}

function readUint32(bytes, at) {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 16777216;
}

// zlib.crc32 arrived in Node 20.15; older 20.x gets a table version.
const crc32 = zlib.crc32 || (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return (bytes) => {
    let c = -1;
    for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 255] ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
})();

const MAX_BLOCK_INPUT = 65280;
function deflateBlocks(input, level) {
  const parts = [];
  for (let offset = 0; offset < input.length; offset += MAX_BLOCK_INPUT) {
    const piece = input.subarray(offset, Math.min(input.length, offset + MAX_BLOCK_INPUT));
    const body = zlib.deflateRawSync(piece, { level });
    const block = Buffer.alloc(18 + body.length + 8);
    block.set([31, 139, 8, 4, 0, 0, 0, 0, 0, 255, 6, 0, 66, 67, 2, 0]);
    block.writeUInt16LE(block.length - 1, 16);
    block.set(body, 18);
    block.writeUInt32LE(crc32(piece), 18 + body.length);
    block.writeUInt32LE(piece.length, 22 + body.length);
    parts.push(block);
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const output = outputBuffer(total);
  let at = 0;
  for (const part of parts) {
    output.set(part, at);
    at += part.length;
  }
  return output;
}

parentPort.on('message', (message) => {
  if (message.op === 'recycle') return keep(message.data.buffer);
  try {
    const input = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    const out = message.op === 'inflate' ? inflateBlocks(input) : deflateBlocks(input, message.level);
    // the input was transferred here and is used up: a spare for a later result
    if (input.buffer.byteLength >= 65536) keep(input.buffer);
    const data = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    // out owns its buffer (allocated or a spare, never Node's shared pool): send it whole
    const transfer = out.byteOffset === 0 ? [out.buffer] : [];
    parentPort.postMessage({ id: message.id, data }, transfer);
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: String(error && error.message ? error.message : error) });
  }
});
`;
