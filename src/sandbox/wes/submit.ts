/**
 * POST /runs: the multipart form is streamed (attachments straight to disk), then validated the way
 * real servers do: workflow_type must be a service-info key exactly, the version must be listed,
 * JSON parts must parse, attachment names never climb out with '..'.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { dirname, isAbsolute, join } from 'node:path';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import type { Settings } from './flavor.js';
import { boundaryOf, MultipartError, readMultipart, type PartSink } from './multipart.js';
import type { AttachmentInfo, RunRequestInfo } from './types.js';

export type Submission =
  | { ok: true; id: string; dir: string; request: RunRequestInfo; attachments: AttachmentInfo[]; inputProblem?: string }
  | { ok: false; message: string };

const discard: PartSink = { write: () => undefined, end: () => undefined };

export async function receiveSubmission(request: IncomingMessage, settings: Settings, runsDir: string): Promise<Submission> {
  const boundary = boundaryOf(request.headers['content-type']);
  if (!boundary) {
    request.resume();
    return { ok: false, message: 'POST /runs expects multipart/form-data' };
  }
  const id = randomUUID().replace(/-/g, '');
  const dir = join(runsDir, id);
  const attachments: AttachmentInfo[] = [];
  const problems: string[] = [];
  let fields: Map<string, string[]>;
  try {
    fields = await readMultipart(request, boundary, ({ name, filename }) => {
      if (name !== 'workflow_attachment') return discard;
      if (!settings.acceptAttachments) {
        problems.push('this server does not accept workflow_attachment');
        return discard;
      }
      if (!filename || filename.split(/[\\/]/).includes('..') || isAbsolute(filename)) {
        problems.push(`refused attachment file name ${JSON.stringify(filename)}`);
        return discard;
      }
      const path = join(dir, 'attachments', filename);
      mkdirSync(dirname(path), { recursive: true });
      const info: AttachmentInfo = { name: filename, size: 0, path };
      attachments.push(info);
      return fileSink(path, info);
    });
  } catch (error) {
    if (error instanceof MultipartError) return { ok: false, message: error.message };
    throw error;
  }
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  const parsed = parseRequest(fields, settings, attachments);
  if ('message' in parsed) return { ok: false, message: parsed.message };
  const inputProblem = await checkAttachedVcfs(attachments);
  return { ok: true, id, dir, request: parsed.request, attachments, inputProblem };
}

function fileSink(path: string, info: AttachmentInfo): PartSink {
  const stream = createWriteStream(path);
  // errors reach the parser through end()'s callback; an aborted upload must not leave an uncaught 'error'
  stream.on('error', () => undefined);
  return {
    async write(chunk) {
      info.size += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    end: () => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
  };
}

function parseRequest(
  fields: Map<string, string[]>,
  settings: Settings,
  attachments: AttachmentInfo[],
): { request: RunRequestInfo } | { message: string } {
  const one = (name: string) => fields.get(name)?.[0];
  const url = one('workflow_url');
  const type = one('workflow_type');
  const typeVersion = one('workflow_type_version');
  if (!url || !type || !typeVersion) return { message: 'workflow_url, workflow_type and workflow_type_version are required' };
  const versions = settings.workflowTypeVersions[type];
  if (!versions) return { message: `workflow_type ${type} is not supported (supported: ${Object.keys(settings.workflowTypeVersions).join(', ')})` };
  if (!versions.includes(typeVersion)) return { message: `workflow_type_version ${typeVersion} is not supported for ${type} (supported: ${versions.join(', ')})` };
  const json: Record<string, unknown> = {};
  for (const name of ['workflow_params', 'tags', 'workflow_engine_parameters']) {
    const text = one(name);
    if (text === undefined || text === '') continue;
    try {
      json[name] = JSON.parse(text);
    } catch {
      return { message: `${name} is not valid JSON` };
    }
    if (!json[name] || typeof json[name] !== 'object' || Array.isArray(json[name])) return { message: `${name} must be a JSON object` };
  }
  const engine = one('workflow_engine');
  const engineVersion = one('workflow_engine_version');
  if (settings.version === '1.1.0' && engine) {
    const known = settings.workflowEngineVersions[engine];
    if (!known) return { message: `workflow_engine ${engine} is not supported` };
    if (engineVersion && !known.includes(engineVersion)) return { message: `workflow_engine_version ${engineVersion} is not supported for ${engine}` };
  }
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(url);
  if (settings.flavor === 'starter-kit' && type === 'NEXTFLOW' && !/^https:\/\/github\.com\/[^/]+\/[^/]+/.test(url)) {
    return { message: `NEXTFLOW workflows are taken by GitHub URL, got ${url}` };
  }
  if (!absolute && !attachments.some((file) => file.name === url)) {
    return { message: `workflow_url ${url} is relative but no workflow_attachment has that name` };
  }
  return {
    request: {
      workflow_url: url,
      workflow_type: type,
      workflow_type_version: typeVersion,
      workflow_params: (json.workflow_params as Record<string, unknown>) ?? {},
      tags: stringValues(json.tags),
      workflow_engine_parameters: (json.workflow_engine_parameters as Record<string, unknown>) ?? {},
      ...(engine ? { workflow_engine: engine } : {}),
      ...(engineVersion ? { workflow_engine_version: engineVersion } : {}),
    },
  };
}

function stringValues(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries((value as Record<string, unknown> | undefined) ?? {})) {
    result[key] = typeof item === 'string' ? item : JSON.stringify(item);
  }
  return result;
}

/** Light input check of attached VCFs: gzip/BGZF with at least one record in the first MiB. */
async function checkAttachedVcfs(attachments: AttachmentInfo[]): Promise<string | undefined> {
  for (const file of attachments.filter((item) => /\.vcf(\.b?gz)?$/i.test(item.name))) {
    const problem = await checkVcf(file);
    if (problem) return problem;
  }
  return undefined;
}

async function checkVcf(file: AttachmentInfo): Promise<string | undefined> {
  const head = await firstBytes(file.path, 2);
  if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return `${file.name}: not gzip/BGZF compressed`;
  let text = '';
  let total = 0;
  try {
    for await (const chunk of createReadStream(file.path).pipe(createGunzip())) {
      total += (chunk as Buffer).length;
      text += (chunk as Buffer).toString('latin1');
      if (text.split('\n').some((line, index, lines) => index < lines.length - 1 && line !== '' && !line.startsWith('#'))) return undefined;
      if (total > 1 << 20) break;
      text = text.slice(text.lastIndexOf('\n') + 1);
    }
  } catch (error) {
    return `${file.name}: cannot decompress (${(error as Error).message})`;
  }
  return text.trim() && !text.startsWith('#') ? undefined : `${file.name}: no variant records`;
}

async function firstBytes(path: string, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { start: 0, end: count - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
