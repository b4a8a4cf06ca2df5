/**
 * gh-style help, shell completion and terminals without UTF-8 or colour: every subcommand's --help lists the
 * global options and pasteable examples; `completion bash|zsh|fish` writes a script from the registrations
 * and asks `__complete` for service slugs and parent ids at TAB time; TERM=dumb and a locale that is not
 * UTF-8 get ASCII, TERM=dumb no colour.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { filledStore } from '../helpers/filled.js';
import { session } from '../helpers/harness.js';

const tmp = tempDir('fedimpute-help-');
afterAll(() => tmp.cleanup());
const config = join(tmp.path, 'services.yaml');
const db = join(tmp.path, 'jobs.db');
beforeAll(() => {
  copyFileSync(join(ROOT, 'services.example.yaml'), config);
  filledStore(db);
});
const cli = (args: string[], io: { env?: Record<string, string | undefined>; tty?: boolean; columns?: number } = {}) =>
  session({ cwd: tmp.path, env: { FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db } }).cli(args, io);

const COMMANDS = [
  ['services'], ['services', 'list'], ['services', 'check'], ['panels'], ['check'], ['prepare'], ['jobs'], ['status'], ['submit'], ['watch'],
  ['poll'], ['cancel'], ['retry'], ['sandbox'], ['demo'], ['download'], ['combine'], ['compare'], ['completion'],
];

describe('--help', () => {
  it.each(COMMANDS.map((words) => [words.join(' ')]))('%s: its options, the global options, two or three examples', async (command) => {
    const { code, stdout } = await cli([...command.split(' '), '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Global Options:$/m);
    for (const flag of ['--config', '--db', '--json', '--no-color', '--quiet', '--verbose']) expect(stdout.split(/^Global Options:$/m)[1]).toContain(flag);
    const examples = stdout.split(/^Examples:$/m)[1] ?? '';
    const lines = [...examples.matchAll(/^ {2}\$ (fedimpute .+|echo .+)$/gm)];
    expect(lines.length, stdout).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(3);
  });

  it.each([[''], ...COMMANDS.map((words) => [words.join(' ')])])('%s at 80 columns: every line fits, prose wrapped, commands whole', async (command) => {
    const args = [...command.split(' ').filter(Boolean), '--help'];
    const wide = await cli(args, { tty: true, columns: 200 });
    const { code, stdout } = await cli(args, { tty: true, columns: 80 });
    expect(code).toBe(0);
    // eslint-disable-next-line no-control-regex
    const lines = stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    // the same example commands as on a wide terminal, each on one line
    const commands = (text: string) => [...text.matchAll(/^ {2}\$ .+$/gm)].map((match) => match[0]);
    expect(commands(stdout.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual(commands(wide.stdout.replace(/\u001b\[[0-9;]*m/g, '')));
  });
});

describe('completion', () => {
  it('writes scripts for bash, zsh and fish; another shell is a usage error with the list', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const { code, stdout } = await cli(['completion', shell]);
      expect(code).toBe(0);
      expect(stdout).toContain('__complete services');
      expect(stdout).toContain('__complete parents');
      expect(stdout).toContain(shell === 'fish' ? '-l services' : '--services');
    }
    expect(await cli(['completion', 'tcsh'])).toMatchObject({ code: 2, stderr: "error: no completion for shell 'tcsh'\n  → use one of bash, zsh, fish, e.g. fedimpute completion bash\n" });
  });

  it('__complete: slugs from the registry, parent ids from the store; nothing (and no error) without them', async () => {
    expect((await cli(['__complete', 'services'])).stdout).toBe(
      'h3africa\t1 H3Africa Imputation Service\nmichigan\t2 Michigan Imputation Server\nmali\t3 eLwazi MALI Node - Imputation Service\nilifu\t4 eLwazi ILIFU Node - Imputation Service\n',
    );
    expect((await cli(['__complete', 'parents'])).stdout).toBe('5eed0002\tsecond (queued)\n5eed0001\tchr20-study (failed)\n');
    const none = await cli(['__complete', 'parents'], { env: { FEDIMPUTE_DB: join(tmp.path, 'absent.db') } });
    expect(none).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(join(tmp.path, 'absent.db'))).toBe(false);
    expect(await cli(['__complete', 'services'], { env: { FEDIMPUTE_CONFIG: join(tmp.path, 'absent.yaml') } })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it.runIf(existsSync('/bin/bash'))('in bash: commands, options, option values, service slugs and parent ids', () => {
    const bin = join(tmp.path, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'fedimpute'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'fedimpute'), 0o755);
    const complete = (...words: string[]) =>
      execFileSync('/bin/bash', ['-c', `source <(fedimpute completion bash); COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _fedimpute; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        env: { PATH: `${bin}:${process.env.PATH}`, HOME: tmp.path, FEDIMPUTE_CONFIG: config, FEDIMPUTE_DB: db },
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
    expect(complete('fedimpute', 'st')).toEqual(['status']);
    expect(complete('fedimpute', 'submit', '--se')).toEqual(['--services']);
    expect(complete('fedimpute', 'submit', '--services', '')).toEqual(['h3africa', 'michigan', 'mali', 'ilifu']);
    expect(complete('fedimpute', 'submit', '--build', '')).toEqual(['hg19', 'hg38']);
    expect(complete('fedimpute', 'status', '')).toEqual(['last', '5eed0002', '5eed0001']);
    expect(complete('fedimpute', 'services', '')).toEqual(['list', 'check']);
    expect(complete('fedimpute', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });
});

describe('terminals without UTF-8 or colour', () => {
  it('TERM=dumb: ASCII symbols and no colour, on a terminal', async () => {
    const { stdout } = await cli(['jobs'], { tty: true, columns: 100, env: { TERM: 'dumb' } });
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).not.toMatch(/[^\x20-\x7e\n]/);
    expect(stdout).toMatch(/^\|- h3africa +37 panel 37 +\+ completed +(#{10} +)?100%$/m);
    expect(stdout).toMatch(/x failed/);
  });
  it('a locale that is not UTF-8: ASCII symbols, colour kept', async () => {
    const { stdout } = await cli(['jobs'], { tty: true, columns: 100, env: { LANG: 'C', LC_ALL: undefined } });
    expect(stdout).toMatch(/\u001b\[/);
    expect(stdout.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/[^\x20-\x7e\n]/);
  });
});
