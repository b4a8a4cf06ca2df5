/**
 * ANSI styling and the symbols drawn with it. Colour switches off for NO_COLOR, --no-color, TERM=dumb and
 * pipes; the symbols fall back to ASCII on TERM=dumb and in locales that are not UTF-8 (a box-drawing
 * character there prints as mojibake). No dependency: it is on every path.
 */

/** where output goes: process.stdout / process.stderr, or a test's in-memory stream */
export interface OutputStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface Symbols {
  queued: string;
  running: string;
  completed: string;
  failed: string;
  canceled: string;
  /** a warning mark */
  warning: string;
  /** something to look at (a lost job, a problem) */
  attention: string;
  /** progress bar: filled and empty cells */
  barFull: string;
  barEmpty: string;
  ellipsis: string;
  /** tree branches of `jobs` */
  branch: string;
  lastBranch: string;
  /** an empty cell */
  none: string;
  /** the default panel */
  star: string;
  arrow: string;
  /** between the parts of a headline */
  dot: string;
  spinner: readonly string[];
}

const UNICODE: Symbols = {
  queued: '○',
  running: '◐',
  completed: '✔',
  failed: '✖',
  canceled: '⊘',
  warning: '⚠',
  attention: '!',
  barFull: '█',
  barEmpty: '░',
  ellipsis: '…',
  branch: '├─',
  lastBranch: '└─',
  none: '—',
  star: '★',
  arrow: '→',
  dot: '·',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
};

const ASCII: Symbols = {
  queued: 'o',
  running: '>',
  completed: '+',
  failed: 'x',
  canceled: '-',
  warning: '!',
  attention: '!',
  barFull: '#',
  barEmpty: '.',
  ellipsis: '~',
  branch: '|-',
  lastBranch: '`-',
  none: '-',
  star: '*',
  arrow: '->',
  dot: '-',
  spinner: ['|', '/', '-', '\\'],
};

export interface Style {
  enabled: boolean;
  /** UTF-8 symbols (else ASCII) */
  unicode: boolean;
  symbols: Symbols;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
}

const codes = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], cyan: [36, 39], gray: [90, 39] } as const;

export function createStyle(enabled: boolean, unicode = true): Style {
  const wrap =
    ([open, close]: readonly [number, number]) =>
    (text: string) =>
      enabled && text ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return {
    enabled,
    unicode,
    symbols: unicode ? UNICODE : ASCII,
    bold: wrap(codes.bold),
    dim: wrap(codes.dim),
    red: wrap(codes.red),
    green: wrap(codes.green),
    yellow: wrap(codes.yellow),
    blue: wrap(codes.blue),
    cyan: wrap(codes.cyan),
    gray: wrap(codes.gray),
  };
}

/** the terminal can draw UTF-8 symbols: not TERM=dumb, and a UTF-8 locale (LC_ALL, else LC_CTYPE, else LANG) */
export function unicodeTerminal(env: NodeJS.ProcessEnv): boolean {
  if (env.TERM === 'dumb') return false;
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
