/**
 * A streaming multipart/form-data parser: text fields are collected, file parts go straight to disk with
 * backpressure (uploads can be 1 GiB; nothing is buffered beyond one chunk plus a boundary).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { IncomingMessage } from 'node:http';

export interface ParsedForm {
  fields: { name: string; value: string }[];
  files: { field: string; filename: string; path: string; bytes: number }[];
}

export class UploadTooLarge extends Error {}

type Sink = { kind: 'text'; name: string; chunks: Buffer[] } | { kind: 'file'; stream: WriteStream; entry: ParsedForm['files'][number] };

export async function parseMultipart(request: IncomingMessage, boundary: string, dir: string, limit: number): Promise<ParsedForm> {
  const form: ParsedForm = { fields: [], files: [] };
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // the body starts with "--boundary" (no CRLF before it): pretend one was there
  let pending: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let sink: Sink | undefined;
  let total = 0;

  const write = async (data: Buffer) => {
    if (!sink || data.length === 0) return;
    if (sink.kind === 'text') sink.chunks.push(data);
    else {
      sink.entry.bytes += data.length;
      const stream = sink.stream;
      if (!stream.write(data)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
  };
  const finish = async () => {
    if (!sink) return;
    if (sink.kind === 'text') form.fields.push({ name: sink.name, value: Buffer.concat(sink.chunks).toString('utf8') });
    else {
      const stream = sink.stream;
      await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
      form.files.push(sink.entry);
    }
    sink = undefined;
  };
  const openPart = (head: string) => {
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    if (filename === undefined) sink = { kind: 'text', name, chunks: [] };
    else {
      const safe = basename(filename).replace(/[^A-Za-z0-9._-]/g, '_') || 'upload';
      const path = join(dir, `${form.files.length}-${safe}`);
      const stream = createWriteStream(path);
      // a client that goes away mid-upload destroys the stream while a write is in flight: that write's
      // ERR_STREAM_DESTROYED must not become an uncaught 'error' event (the upload is dropped anyway)
      stream.on('error', () => undefined);
      sink = { kind: 'file', stream, entry: { field: name, filename, path, bytes: 0 } };
    }
  };

  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limit) throw new UploadTooLarge();
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (state === 'done') break;
        if (state === 'headers') {
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = pending.subarray(0, end).toString('utf8');
          pending = pending.subarray(end + 4);
          openPart(head);
          state = 'body';
          continue;
        }
        const at = pending.indexOf(delimiter);
        if (at < 0) {
          // keep a tail that may hold the start of a delimiter
          const keep = Math.min(pending.length, delimiter.length + 1);
          if (state === 'body') await write(pending.subarray(0, pending.length - keep));
          pending = pending.subarray(pending.length - keep);
          break;
        }
        if (pending.length < at + delimiter.length + 2) break;
        if (state === 'body') {
          await write(pending.subarray(0, at));
          await finish();
        }
        const after = pending.subarray(at + delimiter.length, at + delimiter.length + 2).toString('latin1');
        pending = pending.subarray(at + delimiter.length + 2);
        state = after === '--' ? 'done' : 'headers';
      }
    }
  } finally {
    if (sink?.kind === 'file') sink.stream.destroy();
  }
  return form;
}
