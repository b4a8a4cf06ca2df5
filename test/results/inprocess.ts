/**
 * `runDownload` in this process with a test Context: in-memory stdout and stderr, the federation's registry,
 * store and tokens. Same code as the binary minus main.ts; the binary tests keep what only it shows.
 */
import { Context } from '../../src/context.js';
import { runDownload, type DownloadOptions } from '../../src/commands/download.js';
import { isFedimputeError } from '../../src/errors.js';
import type { Federation } from '../helpers/federation.js';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export async function download(fed: Federation, options: DownloadOptions, parent = 'last'): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const context = new Context({
    env: { FEDIMPUTE_CONFIG: fed.config, FEDIMPUTE_DB: fed.db, FEDIMPUTE_RETRY_BASE_MS: '20', ...fed.env },
    cwd: fed.dir,
    globals: { json: false, quiet: false, verbose: false, color: false },
    stdout: { write: (chunk) => ((stdout += String(chunk)), true) },
    stderr: { write: (chunk) => ((stderr += String(chunk)), true) },
  });
  try {
    const code = await runDownload(options, context, [parent]);
    return { code, stdout, stderr };
  } catch (error) {
    // what main.ts does with a typed error
    if (isFedimputeError(error)) return { code: error.exitCode, stdout, stderr: `${stderr}error: ${error.message}\n` };
    throw error;
  } finally {
    context.close();
  }
}
