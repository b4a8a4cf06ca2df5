/**
 * GET {prefix}/share/results/{hash}/{name}: no auth (the hash is the secret), each GET consumes one download
 * (also aborted ones), 0 left → 400; transfers chunked by default; optionally a 302 first, like S3.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { plain, type Context, type Reply } from './context.js';
import type { OutputFile } from './types.js';

const redirects = new Map<string, OutputFile>();

export async function download(context: Context, path: string, response: ServerResponse): Promise<Reply | 'handled'> {
  const s3 = /^\/share\/s3\/([0-9a-f]+)$/.exec(path);
  if (s3) {
    const file = redirects.get(s3[1]);
    redirects.delete(s3[1]);
    return file ? send(context, file, response) : plain(404, 'NoSuchKey');
  }
  const match = /^\/share\/results\/([0-9a-f]{64})\/(.+)$/.exec(path);
  if (!match) return plain(404, 'Not Found');
  await context.store.refreshAll();
  const name = decodeURIComponent(match[2]);
  const file = context.store.jobs.flatMap((job) => job.outputs).find((output) => output.hash === match[1] && output.name === name);
  if (!file || file.gone) return plain(404, 'Not Found');
  if (file.count === 0) return plain(400, 'number of max downloads exceeded.');
  if (file.count > 0) file.count--;
  if (context.settings.redirectDownloads) {
    const key = randomBytes(16).toString('hex');
    redirects.set(key, file);
    return { status: 302, body: '', headers: { Location: `${context.prefix}/share/s3/${key}` } };
  }
  return send(context, file, response);
}

function send(context: Context, file: OutputFile, response: ServerResponse): 'handled' {
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${file.name.split('/').pop()}"`,
  };
  if (!context.settings.chunked) headers['Content-Length'] = file.bytes;
  response.writeHead(200, headers);
  // pipeline, not pipe: a client that goes away mid-transfer (a killed download) ends the file stream too,
  // instead of an unhandled ERR_STREAM_DESTROYED on the response
  pipeline(createReadStream(file.path), response, () => undefined);
  return 'handled';
}
