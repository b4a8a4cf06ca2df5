/**
 * A Cloudgene job's published files as outputs (pure): each outputParams file is a capability URL under
 * /share/results/{hash}/ (outside /api/v2), with the server's rounded size, the downloads it has left, its
 * group, and whether it is a chr_N.zip encrypted with the child's password.
 */
import type { RemoteOutput } from '../types.js';
import type { Job } from './schemas.js';

export function outputsOf(job: Pick<Job, 'outputParams'>, baseUrl: string): RemoteOutput[] {
  return (job.outputParams ?? []).flatMap((param) =>
    param.files.map((file) => ({
      name: file.name,
      url: `${baseUrl}/share/results/${file.hash}/${file.name.split('/').map(encodeURIComponent).join('/')}`,
      scheme: 'http' as const,
      size: approximateBytes(file.size),
      downloadsLeft: file.count,
      group: param.name,
      encrypted: file.name.endsWith('.zip'),
    })),
  );
}

/** "314 MB" (rounded down by the server) → bytes, approximately */
export function approximateBytes(size: string | number | undefined): number | undefined {
  if (typeof size === 'number') return size;
  const match = /^([\d.]+)\s*(bytes|B|KB|MB|GB|TB)$/i.exec(size?.trim() ?? '');
  if (!match) return undefined;
  const power = ['bytes', 'b', 'kb', 'mb', 'gb', 'tb'].indexOf(match[2].toLowerCase());
  return Math.round(Number(match[1]) * 1024 ** Math.max(0, power - 1));
}
