/**
 * The one measure of text on a terminal, used to lay tables out and to redraw live areas (a table and the
 * redraw once measured `✔` differently — cli-table3 one column, log-update two — and a completed row
 * wrapped). Widths follow wcwidth: East Asian wide and fullwidth characters and emoji pictographs take two
 * columns, combining marks and zero-width characters none, everything else (✔, ◐, █, ⚠ without a variation
 * selector) one, as xterm, VTE and the Linux console draw them. ANSI escape sequences take none.
 */

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/y;

/** [first, last] code point ranges that take two columns */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x18aff],
  [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

/** columns one code point takes */
export function charWidth(codePoint: number): number {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  if (codePoint < 0x300) return 1;
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x20d0 && codePoint <= 0x20ff) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    codePoint === 0xfeff ||
    (codePoint >= 0xe0100 && codePoint <= 0xe01ef)
  ) {
    return 0;
  }
  let low = 0;
  let high = WIDE.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = WIDE[middle];
    if (codePoint < first) high = middle - 1;
    else if (codePoint > last) low = middle + 1;
    else return 2;
  }
  return 1;
}

/** the text's pieces: escape sequences (no width) and code points (their width) */
function* pieces(text: string): Generator<{ text: string; width: number }> {
  let index = 0;
  while (index < text.length) {
    if (text.charCodeAt(index) === 0x1b) {
      ESCAPE.lastIndex = index;
      const match = ESCAPE.exec(text);
      if (match) {
        yield { text: match[0], width: 0 };
        index += match[0].length;
        continue;
      }
    }
    const codePoint = text.codePointAt(index)!;
    const character = String.fromCodePoint(codePoint);
    yield { text: character, width: charWidth(codePoint) };
    index += character.length;
  }
}

/** columns the text takes on a terminal (one line; escapes excluded) */
/** the width of a terminal stream (80 when it does not say) */
export function streamWidth(stream: { columns?: number }): number {
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const piece of pieces(text)) width += piece.width;
  return width;
}

/** the widest line of a text */
export function blockWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(displayWidth));
}

const RESET = '\u001b[0m';

/** the first `width` columns of a line, escapes kept (and closed) */
function head(text: string, width: number): { text: string; styled: boolean } {
  let out = '';
  let used = 0;
  let styled = false;
  for (const piece of pieces(text)) {
    if (piece.width === 0 && piece.text.startsWith('\u001b')) {
      out += piece.text;
      styled = true;
      continue;
    }
    if (used + piece.width > width) break;
    out += piece.text;
    used += piece.width;
  }
  return { text: out, styled };
}

/** cut a line to `width` columns, ending in `ellipsis` when it was cut */
export function truncateEnd(text: string, width: number, ellipsis = '…'): string {
  if (displayWidth(text) <= width) return text;
  const room = Math.max(0, width - displayWidth(ellipsis));
  const kept = head(text, room);
  return `${kept.text}${kept.styled ? RESET : ''}${width >= displayWidth(ellipsis) ? ellipsis : ''}`;
}

/** cut a line in its middle (paths: the folder's start and the file name stay); escapes are dropped */
export function truncateMiddle(text: string, width: number, ellipsis = '…'): string {
  const plain = stripEscapes(text);
  if (displayWidth(plain) <= width) return text;
  const room = width - displayWidth(ellipsis);
  if (room < 4) return truncateEnd(plain, width, ellipsis);
  const characters = [...plain];
  const tailWidth = Math.ceil(room * 0.6);
  let tail = '';
  let used = 0;
  for (let index = characters.length - 1; index >= 0; index--) {
    const width = displayWidth(characters[index]);
    if (used + width > tailWidth) break;
    tail = characters[index] + tail;
    used += width;
  }
  return `${head(plain, room - used).text}${ellipsis}${tail}`;
}

/** pad a line with spaces to `width` columns */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const space = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? space + text : text + space;
}

export function stripEscapes(text: string): string {
  let out = '';
  for (const piece of pieces(text)) if (!(piece.width === 0 && piece.text.startsWith('\u001b'))) out += piece.text;
  return out;
}

/**
 * Word-wrap plain text to `width` columns; continuation lines start with `indent`. A word longer than a
 * line (a URL, a path) is cut into pieces rather than left to overflow.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  const room = (first: boolean) => Math.max(8, width - (first ? 0 : displayWidth(indent)));
  // the spaces between words on one line are kept (aligned labels stay aligned); a break takes their place
  const tokens = text.trim().split(/(\s+)/);
  for (let index = 0; index < tokens.length; index += 2) {
    const word = tokens[index];
    if (!word) continue;
    const gap = /[\r\n]/.test(tokens[index - 1] ?? '') ? ' ' : tokens[index - 1];
    const candidate = line ? `${line}${gap}${word}` : word;
    if (displayWidth(candidate) <= room(lines.length === 0)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (displayWidth(rest) > room(lines.length === 0)) {
      const piece = head(rest, room(lines.length === 0)).text;
      lines.push(piece);
      rest = rest.slice(piece.length);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.map((text, index) => (index === 0 ? text : indent + text));
}

// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * Prose for a terminal `width` columns wide: each line too wide for it is word-wrapped (wrapText), its
 * continuation lines indented by the line's own indentation plus `indent`. A style a break would cut
 * (a dimmed explanation) is closed at the end of the line and opened again on the next, so no colour
 * bleeds into what follows. Lines that fit are left as they are.
 */
export function wrapProse(text: string, width: number, indent = '  '): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (displayWidth(line) <= width) return [line];
      const own = /^[ \t]*/.exec(line)![0];
      const wrapped = wrapText(line.slice(own.length), width - own.length, indent).map((piece) => own + piece);
      return carryStyles(wrapped);
    })
    .join('\n');
}

/** the SGR escapes in force at a break are replayed on the next line (their order is their effect) */
function carryStyles(lines: string[]): string[] {
  let open: string[] = [];
  return lines.map((line, index) => {
    const start = open.join('');
    for (const escape of line.match(SGR) ?? []) {
      if (escape === RESET || escape === '\u001b[m') open = [];
      else open.push(escape);
    }
    // the last piece ends where the line did, in the state the line left
    return `${start}${line}${open.length > 0 && index < lines.length - 1 ? RESET : ''}`;
  });
}
