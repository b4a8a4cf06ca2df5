/**
 * What a WES submission and its requests carry, as pure functions: the multipart form of POST /runs
 * (every part a string; tags with our parent and child ids; engine fields only for 1.1.0 servers;
 * attachments by input mode) and the header a token goes in.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { WesService } from '../../registry/types.js';
import type { FormPart } from '../multipart.js';
import type { SubmitRequest } from '../types.js';
import { inputReference, renderParams } from './params.js';

/** `Authorization: Bearer <token>`, or the raw token in the service's own `auth_header` */
export function authHeaders(service: Pick<WesService, 'auth_header'>, token: string | undefined): Record<string, string> {
  if (!token) return {};
  const header = service.auth_header;
  if (header && header.toLowerCase() !== 'authorization') return { [header]: token };
  return { authorization: `Bearer ${token}` };
}

export function runForm(service: WesService, request: SubmitRequest, v11: boolean): FormPart[] | { rejected: string } {
  const panel = service.panels.find((candidate) => candidate.id === request.panelId);
  if (!panel) return { rejected: `panel ${request.panelId} is not configured for ${service.name}` };
  const references = request.files.map((file) => inputReference(service.input, file.name));
  const params = renderParams(service.params ?? {}, {
    input: references[0] ?? '',
    inputs: references,
    build: request.build,
    population: request.population,
    jobId: request.childId,
    meta: request.meta ?? false,
    panel: panel.params,
    where: `service ${service.slug}, panel ${panel.id}`,
  });
  const parts: FormPart[] = [
    { name: 'workflow_url', value: service.workflow.url },
    { name: 'workflow_type', value: service.workflow.type },
    { name: 'workflow_type_version', value: service.workflow.version },
    { name: 'workflow_params', value: JSON.stringify(params) },
    { name: 'tags', value: JSON.stringify({ fedimpute_parent: request.parentId, fedimpute_child: request.childId }) },
    { name: 'workflow_engine_parameters', value: JSON.stringify(service.workflow.engine_parameters ?? {}) },
  ];
  // Sapporo and other 1.1.0 servers want the engine named; 1.0.0 servers reject unknown parts
  if (v11 && service.workflow.engine) parts.push({ name: 'workflow_engine', value: service.workflow.engine });
  if (v11 && service.workflow.engine_version) parts.push({ name: 'workflow_engine_version', value: service.workflow.engine_version });
  for (const path of service.workflow.attachments ?? []) {
    parts.push({ name: 'workflow_attachment', filename: basename(path), path, size: statSync(path).size });
  }
  if (service.input.mode === 'attachment') {
    for (const file of request.files) {
      parts.push({ name: 'workflow_attachment', filename: file.name, path: file.path, size: file.size, contentType: 'application/gzip' });
    }
  }
  return parts;
}
