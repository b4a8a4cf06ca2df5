/**
 * src/main.ts `execute` is the binary minus the process: the one place errors become messages and exit
 * codes. And cli.ts loads only the command argv names, with each command's typed options.
 */
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/cli.js';
import { submitOptions } from '../../src/commands/submit.js';
import { watchOptions } from '../../src/commands/watch.js';
import { execute, report } from '../../src/main.js';
import { ConfigError, ExitStatus, RemoteError } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { memoryStream, session } from '../helpers/harness.js';

describe('report', () => {
  it('a typed error: its line, its hint, its exit code; a stack only with --verbose', () => {
    const stderr = memoryStream();
    expect(report(new ConfigError('bad registry', { hint: 'fix it' }), false, stderr)).toBe(2);
    expect(stderr.text()).toBe('error: bad registry\n  → fix it\n');
    const verbose = memoryStream();
    expect(report(new RemoteError('s', 'down'), true, verbose)).toBe(1);
    expect(verbose.text()).toMatch(/^error: down\nRemoteError: down\n\s+at /);
  });

  it('an exit status says nothing and never shows a stack', () => {
    const stderr = memoryStream();
    expect(report(new ExitStatus(3), true, stderr)).toBe(3);
    expect(stderr.text()).toBe('');
  });

  it('anything else is an internal error: exit 1, and how to learn more', () => {
    const stderr = memoryStream();
    expect(report(new TypeError('x is undefined'), false, stderr)).toBe(1);
    expect(stderr.text()).toBe('error: internal error: x is undefined\n  → run again with --verbose for details, and report it if it persists\n');
  });
});

describe('execute', () => {
  it('Ctrl-C: 130 whatever the command returned', async () => {
    const stdout = memoryStream();
    const code = await execute(['jobs', '--db', ':memory:'], { env: {}, cwd: ROOT, stdout, stderr: memoryStream(), interrupted: () => true });
    expect(code).toBe(130);
  });

  it('commander errors and help go to the streams it was given', async () => {
    const { cli } = session({ cwd: ROOT });
    expect(await cli(['bogus'])).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'bogus'\n(run `fedimpute --help` for usage)\n" });
    const help = await cli(['watch', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: fedimpute watch \[options\] <parent>/);
  });
});

describe('from argv to typed options', () => {
  it('commandOf: the first word that is not a global option or its value', () => {
    expect(commandOf(['--config', 'jobs', 'status', 'last'])).toBe('status');
    expect(commandOf(['-q', '--json', 'submit', 'poll'])).toBe('submit');
    expect(commandOf(['--db=x', 'poll'])).toBe('poll');
    expect(commandOf(['--help'])).toBeUndefined();
    expect(commandOf(['help', 'jobs'])).toBeUndefined();
    expect(commandOf(['--', 'jobs'])).toBeUndefined();
  });

  it('a command reads only values of the type it expects', () => {
    expect(watchOptions({ interval: '5s', timeout: 3 }, ['last'])).toEqual({ parent: 'last', interval: '5s', timeout: undefined });
    expect(submitOptions({ services: '1,4', phasing: false, check: false, concurrency: 2, dryRun: true }, ['a.vcf.gz'])).toMatchObject({
      files: ['a.vcf.gz'], services: '1,4', phasing: false, check: false, concurrency: 2, dryRun: true, prepare: false,
    });
    expect(submitOptions({ services: '1', phasing: 'beagle' }, []).phasing).toBe('beagle');
    expect(submitOptions({ services: '1' }, []).check).toBe(true);
  });
});
