/**
 * A streaming multipart/form-data reader for the emulator: string parts are collected (bounded), file
 * parts go to a sink chunk by chunk with backpressure, so a 1 GiB upload never sits in memory.
 */
export interface PartHead {
  name: string;
  filename?: string;
}

export interface PartSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

export class MultipartError extends Error {}

const FIELD_LIMIT = 16 * 1024 * 1024;
const HEADER_LIMIT = 16 * 1024;

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** Reads every part; `onFile` returns where a file part's bytes go. Returns the string fields. */
export async function readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
  onFile: (head: PartHead & { filename: string }) => PartSink | Promise<PartSink>,
): Promise<Map<string, string[]>> {
  const fields = new Map<string, string[]>();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // a leading CRLF makes the first boundary look like every other delimiter
  let buffer: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'after' | 'headers' | 'body' | 'done' = 'preamble';
  let sink: PartSink | undefined;
  let field: { name: string; chunks: Buffer[]; size: number } | undefined;

  const emit = async (chunk: Buffer) => {
    if (chunk.length === 0) return;
    if (sink) await sink.write(chunk);
    else if (field) {
      field.size += chunk.length;
      if (field.size > FIELD_LIMIT) throw new MultipartError(`form field ${field.name} is too large`);
      field.chunks.push(Buffer.from(chunk));
    }
  };
  const finish = async () => {
    if (sink) await sink.end();
    if (field) {
      const list = fields.get(field.name) ?? [];
      list.push(Buffer.concat(field.chunks).toString('utf8'));
      fields.set(field.name, list);
    }
    sink = undefined;
    field = undefined;
  };

  const drain = async () => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const index = buffer.indexOf(delimiter);
        if (index < 0) {
          const keep = delimiter.length - 1;
          if (buffer.length > keep) {
            if (state === 'body') await emit(buffer.subarray(0, buffer.length - keep));
            buffer = buffer.subarray(buffer.length - keep);
          }
          return;
        }
        if (state === 'body') {
          await emit(buffer.subarray(0, index));
          await finish();
        }
        buffer = buffer.subarray(index + delimiter.length);
        state = 'after';
      }
      if (state === 'after') {
        if (buffer.length < 2) return;
        const marker = buffer.subarray(0, 2).toString('latin1');
        if (marker === '--') {
          state = 'done';
          return;
        }
        if (marker !== '\r\n') throw new MultipartError('malformed multipart body (bad boundary line)');
        buffer = buffer.subarray(2);
        state = 'headers';
      }
      if (state === 'headers') {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > HEADER_LIMIT) throw new MultipartError('multipart part headers too long');
          return;
        }
        const head = parseHead(buffer.subarray(0, end).toString('utf8'));
        buffer = buffer.subarray(end + 4);
        if (head.filename !== undefined) sink = await onFile({ name: head.name, filename: head.filename });
        else field = { name: head.name, chunks: [], size: 0 };
        state = 'body';
      }
      if (state === 'done') return;
    }
  };

  for await (const chunk of source) {
    if ((state as string) === 'done') continue;
    buffer = buffer.length > 0 ? Buffer.concat([buffer, chunk]) : chunk;
    await drain();
  }
  if ((state as string) !== 'done') {
    await sink?.end();
    throw new MultipartError('truncated multipart body');
  }
  return fields;
}

function parseHead(text: string): PartHead {
  const disposition = text.split('\r\n').find((line) => /^content-disposition:/i.test(line));
  if (!disposition) throw new MultipartError('multipart part without Content-Disposition');
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw new MultipartError('multipart part without a name');
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, filename };
}
