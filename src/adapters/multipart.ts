/**
 * multipart/form-data bodies streamed from disk: the length is computed up front (so servers that need
 * Content-Length get it) and file parts are read in chunks, never whole.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; path: string; size: number; contentType?: string };

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  body: AsyncIterable<Uint8Array>;
}

function quote(text: string): string {
  return text.replace(/"/g, '%22').replace(/\r|\n/g, ' ');
}

export function multipartBody(
  parts: FormPart[],
  onProgress?: (sent: number, total: number) => void,
): MultipartBody {
  const boundary = `----fedimpute${randomBytes(12).toString('hex')}`;
  const heads = parts.map((part) => {
    const disposition =
      'path' in part
        ? `form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"`
        : `form-data; name="${quote(part.name)}"`;
    const type = 'path' in part ? `\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}` : '';
    return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`);
  });
  const values = parts.map((part) => ('path' in part ? null : Buffer.from(part.value)));
  const crlf = Buffer.from('\r\n');
  const tail = Buffer.from(`--${boundary}--\r\n`);
  let contentLength = tail.length;
  parts.forEach((part, index) => {
    contentLength += heads[index].length + crlf.length + ('path' in part ? part.size : values[index]!.length);
  });

  async function* generate(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    const emit = (chunk: Uint8Array): Uint8Array => {
      sent += chunk.length;
      onProgress?.(sent, contentLength);
      return chunk;
    };
    for (const [index, part] of parts.entries()) {
      yield emit(heads[index]);
      if ('path' in part) {
        for await (const chunk of createReadStream(part.path, { highWaterMark: 1 << 20 })) {
          yield emit(chunk as Buffer);
        }
      } else {
        yield emit(values[index]!);
      }
      yield emit(crlf);
    }
    yield emit(tail);
  }

  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body: generate() };
}
