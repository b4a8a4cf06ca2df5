/**
 * The commander-free fast path (src/fastpath.ts) must stay an exact shortcut: the same options as the
 * commander registrations, and the same outcome for every command line it accepts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { Context, type Globals } from '../../src/context.js';
import { isFedimputeError } from '../../src/errors.js';
import { FAST_COMMANDS, GLOBAL_OPTIONS, fastPath } from '../../src/fastpath.js';
import { openDatabase } from '../../src/store/db.js';
import { Store } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { session } from '../helpers/harness.js';

const tmp = tempDir('fedimpute-fastpath-');
afterAll(() => tmp.cleanup());
const db = join(tmp.path, 'fedimpute.db');

/** long option names listed by `fedimpute [command] --help` (the binary's argv handling, in this process) */
async function helpOptions(args: string[]): Promise<{ options: string[]; usage: string }> {
  const { code, stdout: text } = await session({ cwd: ROOT }).cli([...args, '--help']);
  expect(code).toBe(0);
  // a command's --help lists the global options too (under "Global Options:"): only its own are compared
  const own = text.split(/^Global Options:$/m)[0];
  const options = [...own.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((match) => match[1]).filter((name) => name !== 'help' && name !== 'version');
  return { options: options.sort(), usage: text.split('\n')[0] };
}

describe('FAST_COMMANDS mirrors cli.ts', () => {
  it("a command's --help lists the global options and examples", async () => {
    const { stdout } = await session({ cwd: ROOT }).cli(['status', '--help']);
    expect(stdout).toMatch(/^Global Options:$/m);
    for (const flag of Object.keys(GLOBAL_OPTIONS)) expect(stdout).toContain(`--${flag}`);
    expect(stdout).toMatch(/^Examples:\n {2}# .+\n {2}\$ fedimpute status /m);
  });
  it('global options', async () => {
    expect(Object.keys(GLOBAL_OPTIONS).sort()).toEqual((await helpOptions([])).options);
  });
  for (const [name, command] of Object.entries(FAST_COMMANDS)) {
    it(`${name}: options and operands`, async () => {
      const help = await helpOptions([name]);
      expect(help.usage).toMatch(new RegExp(`^Usage: fedimpute ${name} `));
      expect(Object.keys(command.options).sort()).toEqual(help.options);
      expect([...help.usage.matchAll(/<[^>]+>/g)]).toHaveLength(command.operands);
    });
  }
});

describe('what the fast path leaves to commander', () => {
  it.each([
    [[]],
    [['--help']],
    [['-h']],
    [['jobs', '--help']],
    [['jobs', '-h']],
    [['help', 'jobs']],
    [['--version']],
    [['-V']],
    [['jobs', 'extra']],
    [['jobs', '--bogus']],
    [['jobs', '--color']],
    [['jobs', '--no-json']],
    [['jobs', '--json=yes']],
    [['jobs', '--status']],
    [['jobs', '--limit', '--json']],
    [['--status', 'queued', 'jobs']],
    [['--limit', '2', 'jobs']],
    [['jobs', '--', '--json']],
    [['jobs', '--refresh']],
    [['status']],
    [['status', 'abcd', 'efgh']],
    [['status', 'abcd', '--status', 'queued']],
    [['--refresh', 'status', 'abcd']],
    [['services']],
    [['watch', 'last']],
  ])('%j', (argv) => {
    expect(fastPath(argv)).toBeUndefined();
  });
});

describe('same outcome as commander', () => {
  beforeAll(() => {
    let clock = Date.parse('2025-06-01T00:00:00Z');
    const store = new Store(openDatabase(db), () => new Date((clock += 1000)));
    for (const [index, id] of ['fa570001-0000-4000-8000-000000000001', 'fa570002-0000-4000-8000-000000000002'].entries()) {
      store.jobs.insertParent({ id, name: `p${index}` }, [
        { id: `${id}-a`, name: null, service_id: 1, service_slug: 'h3africa', reference_panel_id: 37, submit_state: 'submitted', remote_job_id: `job-${index}` },
      ]);
    }
    store.updateChild('fa570002-0000-4000-8000-000000000002-a', { status: 'completed', progress: 100 });
    store.close();
  });

  async function run(argv: string[], road: 'fast' | 'commander') {
    const stdout: string[] = [];
    const stderr: string[] = [];
    let globals: Globals | undefined;
    let context: Context | undefined;
    const makeContext = (given: Globals) => {
      globals = given;
      context = new Context({
        env: { NO_COLOR: '1' },
        cwd: tmp.path,
        globals: given,
        stdout: { write: (chunk: string) => stdout.push(chunk) > 0, isTTY: false },
        stderr: { write: (chunk: string) => stderr.push(chunk) > 0, isTTY: false },
        now: () => new Date('2025-06-02T00:00:00Z'),
      });
      return context;
    };
    let outcome: string;
    try {
      const fast = fastPath(argv);
      if (road === 'fast') expect(fast).toBeDefined();
      outcome = `exit ${road === 'fast' ? await fast!(makeContext) : await runCli(argv, makeContext, { stdout: { write: (chunk: string) => stdout.push(chunk) > 0 }, stderr: { write: (chunk: string) => stderr.push(chunk) > 0 } })}`;
    } catch (error) {
      outcome = isFedimputeError(error) ? `${error.name} ${error.exitCode}: ${error.message}` : `throw ${String(error)}`;
    } finally {
      context?.close();
    }
    return { outcome, globals, stdout: stdout.join(''), stderr: stderr.join('') };
  }

  it.each([
    ['jobs'],
    ['jobs', '--json'],
    ['--json', 'jobs'],
    ['jobs', '--json', '--limit', '1'],
    ['jobs', '--limit=1', '--status=queued'],
    ['jobs', '--status', 'completed', '-q'],
    ['jobs', '--status', 'bogus'],
    ['jobs', '--limit', '0'],
    ['jobs', '--limit', 'abc'],
    ['-qv', 'jobs', '--no-color'],
    ['jobs', '--config', 'nowhere.yaml', '--verbose', '--quiet'],
    ['jobs', '--json', '--json'],
    ['status', 'last'],
    ['status', 'fa570001', '--json'],
    ['status', '--json', 'fa570002', '--exit-status'],
    ['status', 'fa57'],
    ['status', 'zz'],
    ['status', 'last', '--exit-status', '-v'],
  ])('%s …', async (...argv) => {
    const args = [...argv, '--db', db];
    const fast = await run(args, 'fast');
    const commander = await run(args, 'commander');
    expect(fast).toEqual(commander);
  });
});
