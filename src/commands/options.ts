/**
 * From argv to a command's typed options. commander (cli.ts) and the fast path (fastpath.ts) both hand
 * over their parsed values as `RawOptions`; each command turns them into its own options type with these
 * readers, which check what they read (no `any` between the parser and the command).
 */
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/** option values as a parser produced them, keyed by camel-cased long name */
export type RawOptions = Readonly<Record<string, unknown>>;

/** a command's work: typed options in, an exit code out (or a typed error thrown) */
export type Run<Options> = (options: Options, context: Context) => Promise<number>;

/**
 * Wires a registration to its command: `parse` turns raw values and operands into the options, `load`
 * imports the module that does the work only when the command runs.
 */
export type Register = <Options>(
  parse: (raw: RawOptions, operands: string[]) => Options,
  load: () => Promise<Run<Options>>,
) => (...parameters: unknown[]) => Promise<void>;

/** a command's registration: adds it (options, operands, help) to the program */
export type Registration = (program: Command, register: Register) => void;

export function flag(raw: RawOptions, name: string): boolean {
  return raw[name] === true;
}

export function text(raw: RawOptions, name: string): string | undefined {
  const value = raw[name];
  return typeof value === 'string' ? value : undefined;
}

export function count(raw: RawOptions, name: string): number | undefined {
  const value = raw[name];
  return typeof value === 'number' ? value : undefined;
}

/** an option that is a flag or takes an optional value (`--phasing [engine]`, `--no-phasing`) */
export function flagOrText(raw: RawOptions, name: string): boolean | string | undefined {
  const value = raw[name];
  return typeof value === 'string' || typeof value === 'boolean' ? value : undefined;
}

/** the argParser of --limit and --concurrency */
export function positiveInteger(flagName: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new UsageError(`${flagName} must be a positive whole number, got '${value}'`);
    return number;
  };
}

/** the argParser of --max-ratio */
export function positiveNumber(flagName: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new UsageError(`${flagName} must be a positive number, got '${value}'`);
    return number;
  };
}

const BYTE_UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** the argParser of --max-size: "500M", "20G", "1.5T" or bytes; binary units, as `formatBytes` prints them */
export function byteSize(flagName: string) {
  return (value: string): number => {
    const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?$/i.exec(value.trim());
    const bytes = match ? Math.floor(Number(match[1]) * BYTE_UNITS[match[2].toUpperCase()]) : 0;
    if (bytes <= 0) throw new UsageError(`${flagName} must be a size such as 500M, 20G or 1T, got '${value}'`);
    return bytes;
  };
}

/**
 * gh-style examples at the end of a command's --help: what each does as a comment, then the command line,
 * pasteable.
 */
export function examples(command: Command, list: readonly (readonly [line: string, what: string])[]): Command {
  const text = list.map(([line, what]) => `  # ${what}\n  $ ${line}`).join('\n\n');
  return command.addHelpText('after', `\nExamples:\n${text}\n`);
}
