/**
 * The machine says no: a full disk, a file size limit, a read-only or unwritable --out. Through the binary
 * (exit codes and the one line), with real kernel errors made without privileges where possible: /dev/full
 * behind a part file (ENOSPC), RLIMIT_FSIZE (EFBIG), capabilities dropped for root (EACCES), a private mount
 * namespace with a read-only or tiny tmpfs (EROFS, ENOSPC) where user namespaces are allowed. Each skips
 * cleanly where its mechanism is missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cleanEnv, type CliResult } from '../helpers/cli.js';
import { startFederation, type Federation } from '../helpers/federation.js';
import { shareRequests, submitAndWatch, tree, type Submitted } from './setup.js';

let fed: Federation;
let job: Submitted;
beforeAll(async () => {
  fed = await startFederation({ michigan: [{ downloadLimit: -1, syntheticResultBytes: 2 << 20 }] });
  job = await submitAndWatch(fed, '1');
});
afterAll(async () => fed?.close());

const root = process.getuid?.() === 0;
const works = (command: string) => spawnSync('sh', ['-c', command], { stdio: 'ignore' }).status === 0;
const setpriv = root && works('setpriv --bounding-set=-dac_override,-dac_read_search true');
const namespaces = works('unshare -rm sh -c "mount -t tmpfs -o size=64k none /tmp && true"');

/** the binary behind a shell prefix (ulimit, setpriv, a mount namespace); `$FEDIMPUTE` runs it */
function run(script: string, args: string[]): Promise<CliResult> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = script.replace('$FEDIMPUTE', [process.execPath, BIN, ...args].map(quote).join(' '));
  return new Promise((resolve) =>
    execFile('sh', ['-c', command], { cwd: fed.dir, env: cleanEnv({ FEDIMPUTE_CONFIG: fed.config, FEDIMPUTE_DB: fed.db, ...fed.env }) }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

let runs = 0;
const fresh = () => join(fed.dir, `env-${runs++}`);
const parts = (folder: string) => (existsSync(folder) ? tree(folder).filter((file) => file.endsWith('.part')) : []);

describe('environment faults', () => {
  test.skipIf(!existsSync('/dev/full'))('ENOSPC while extracting an entry: one line naming it, no part, the zip kept and not fetched again', async () => {
    const out = fresh();
    const folder = join(job.folder(out), 'mich1');
    mkdirSync(folder, { recursive: true });
    symlinkSync('/dev/full', join(folder, '.chr20.dose.vcf.gz.part'));
    const result = await run('exec $FEDIMPUTE', ['download', 'last', '--out', out]);
    expect(result.stderr).toContain(
      `error: mich1: no space left on device while writing ${join(folder, 'chr20.dose.vcf.gz')}; free some space and run \`fedimpute download\` again (the zip is kept at ${join(folder, 'chr_20.zip')}; it is not fetched again)`,
    );
    expect(result.code).toBe(1);
    expect(parts(folder)).toEqual([]);
    expect(existsSync(join(folder, 'chr_20.zip'))).toBe(true);
    const before = shareRequests(fed);
    const again = await run('exec $FEDIMPUTE', ['download', 'last', '--out', out]);
    expect(again.code).toBe(0);
    expect(shareRequests(fed)).toBe(before);
    expect(tree(folder)).toContain('chr20.dose.vcf.gz');
  });

  test('EFBIG (a file size limit, ulimit -f): named, exit 1, nothing partial', async () => {
    const out = fresh();
    const result = await run('ulimit -f 1024 && exec $FEDIMPUTE', ['download', 'last', '--out', out]);
    expect(result.stderr).toMatch(/error: mich1: file too large while writing \S+chr_20\.zip \(EFBIG: the file system's or this process's file size limit\)/);
    expect(result.code).toBe(1);
    expect(parts(join(job.folder(out), 'mich1'))).toEqual([]);
  });

  test('--out under a regular file (ENOTDIR): one line, exit 2', async () => {
    const file = join(fed.dir, 'a-file');
    writeFileSync(file, '');
    const result = await run('exec $FEDIMPUTE', ['download', 'last', '--out', join(file, 'results')]);
    expect(result.stderr).toBe(
      `error: cannot write results to --out ${join(file, 'results')}: a file is in the way of the folder (ENOTDIR on ${join(file, 'results', `${job.parentId.slice(0, 8)}-study`)})\n  → choose a folder you can write to with --out DIR\n`,
    );
    expect(result.code).toBe(2);
  });

  test.skipIf(root && !setpriv)('--out not writable (EACCES): one line, exit 2', async () => {
    const out = fresh();
    mkdirSync(out);
    chmodSync(out, 0o555);
    const result = await run(`${root ? 'setpriv --bounding-set=-dac_override,-dac_read_search ' : ''}$FEDIMPUTE`, ['download', 'last', '--out', out]);
    expect(result.stderr).toMatch(/^error: cannot write results to --out \S+: permission denied \(EACCES on \S+\)\n  → choose a folder you can write to with --out DIR\n$/);
    expect(result.code).toBe(2);
  });

  test.skipIf(!namespaces)('--out on a read-only file system (EROFS): one line, exit 2', async () => {
    const out = fresh();
    mkdirSync(out);
    const result = await run(`unshare -rm sh -c 'mount -t tmpfs -o ro,size=64k none ${out} && exec $FEDIMPUTE'`, ['download', 'last', '--out', out]);
    expect(result.stderr).toMatch(/^error: cannot write results to --out \S+: read-only file system \(EROFS on \S+\)\n/);
    expect(result.code).toBe(2);
  });

  test.skipIf(!namespaces)('a really full disk (a 1 MiB tmpfs): named, exit 1, nothing partial left', async () => {
    const out = fresh();
    mkdirSync(out);
    const check = `ls -A ${out} | wc -l; find ${out} -name '.*.part' | wc -l`;
    const result = await run(`unshare -rm sh -c 'mount -t tmpfs -o size=1m none ${out} && $FEDIMPUTE; code=$?; ${check}; exit $code'`, ['download', 'last', '--out', out]);
    expect(result.stderr).toMatch(/error: mich1: no space left on device while writing \S+; free some space and run `fedimpute download` again/);
    expect(result.code).toBe(1);
    // the part-file count printed from inside the namespace, after the run
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0');
  });
});
