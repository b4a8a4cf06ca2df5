/**
 * The layers of ARCHITECTURE (README): commands → lifecycle / results / output → domain / store / adapters
 * → registry, no import cycles (type imports included), domain imports nothing outside itself, the store
 * never imports adapters, no protocol check (`type === 'michigan'`) outside adapters, registry and sandbox, the
 * rest sees adapters only through their interface, and no file outside src/sandbox grows past 250 lines or uses `any`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const sources = files(SRC).map((path) => relative(SRC, path));

/** the project files a source imports (static, dynamic and type imports), as paths relative to src/ */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
  return specifiers.map((specifier) => relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.js$/, '.ts'));
}

const graph = new Map(sources.map((file) => [file, importsOf(file)]));
const folder = (file: string) => (file.includes('/') ? file.split('/')[0] : '.');

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      found.push([...stack.slice(stack.indexOf(file)), file]);
      return;
    }
    state.set(file, 'visiting');
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of sources) visit(file);
  return found;
}

describe('architecture', () => {
  it('every import names a file that exists', () => {
    const missing = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${file} → ${target}`));
    expect(missing).toEqual([]);
  });

  it('has no import cycles, type imports included', () => {
    expect(cycles().map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('domain imports nothing outside domain', () => {
    const outside = [...graph].filter(([file]) => folder(file) === 'domain').flatMap(([file, imports]) => imports.filter((target) => folder(target) !== 'domain').map((target) => `${file} → ${target}`));
    expect(outside).toEqual([]);
  });

  it('layers point one way: lower layers never import higher ones', () => {
    const rank: Record<string, number> = { commands: 4, '.': 4, lifecycle: 3, results: 3, output: 3, vcf: 3, combine: 3, compare: 3, store: 2, adapters: 2, domain: 1, registry: 1 };
    const upward = [...graph]
      .filter(([file]) => folder(file) !== 'sandbox' && !['main.ts', 'cli.ts', 'fastpath.ts', 'context.ts'].includes(file))
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => folder(target) !== '.' && folder(target) !== 'sandbox' && rank[folder(target)] > rank[folder(file)])
          .map((target) => `${file} → ${target}`),
      );
    expect(upward).toEqual([]);
  });

  it('the store never imports adapters, lifecycle, output or commands', () => {
    const store = [...graph].filter(([file]) => folder(file) === 'store').flatMap(([file, imports]) => imports.filter((target) => ['adapters', 'lifecycle', 'output', 'commands', 'results'].includes(folder(target))).map((target) => `${file} → ${target}`));
    expect(store).toEqual([]);
  });

  it('no protocol check outside adapters, registry and sandbox: protocol differences are capabilities', () => {
    const check = /(===|!==)\s*'(michigan|wes)'|'(michigan|wes)'\s*(===|!==)|case\s+'(michigan|wes)'/;
    const checks = sources
      .filter((file) => !['adapters', 'registry', 'sandbox'].includes(folder(file)))
      .filter((file) => check.test(readFileSync(join(SRC, file), 'utf8')));
    expect(checks).toEqual([]);
  });

  it('outside adapters, only the adapter interface is imported (types, capabilities, the shared answer reader; the context builds them)', () => {
    const allowed = new Set(['adapters/types.ts', 'adapters/capabilities.ts', 'adapters/responses.ts']);
    const reaching = [...graph]
      .filter(([file]) => !['adapters', 'sandbox'].includes(folder(file)))
      .flatMap(([file, imports]) =>
        imports.filter((target) => folder(target) === 'adapters' && !allowed.has(target) && !(file === 'context.ts' && target === 'adapters/index.ts')).map((target) => `${file} → ${target}`),
      );
    expect(reaching).toEqual([]);
  });

  it('no file outside src/sandbox has more than 250 lines, and none uses `any`', () => {
    const long = sources.filter((file) => folder(file) !== 'sandbox').filter((file) => readFileSync(join(SRC, file), 'utf8').split('\n').length > 251);
    expect(long).toEqual([]);
    const anys = sources.filter((file) => /(:\s*any\b|<any\b|any\[\]|as any\b)/.test(readFileSync(join(SRC, file), 'utf8')));
    expect(anys).toEqual([]);
  });
});
