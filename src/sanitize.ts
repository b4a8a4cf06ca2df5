/**
 * The one sanitiser for text that came from a server (DESIGN §6: everything a server sends is untrusted).
 * A server's step message, log line or file name must not drive the user's terminal (ANSI/OSC sequences can
 * clear the screen, retitle the window or write the clipboard), forge rows in tab-separated output, or hide
 * its meaning behind bidirectional overrides. Adapters clean every parsed JSON document and every error
 * text with these functions before anything is stored or printed; outputs escape what is left.
 */

/**
 * ESC-introduced sequences: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC
 * (ESC P|X|^|_ … ESC \), and two-character escapes. An unterminated string sequence runs to the end.
 */
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -~])?/g;
/** the same sequences introduced by their 8-bit C1 forms (CSI 0x9b, OSC 0x9d, DCS 0x90, SOS 0x98, PM 0x9e, APC 0x9f) */
const C1_SEQUENCE = /\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x9c]*[\x07\x9c]?|[\x90\x98\x9e\x9f][^\x9c]*\x9c?/g;
/** C0 controls except TAB and LF, DEL, C1 controls, and the bidirectional formatting characters */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const ANY_CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]/;

/** Text with its line structure: escape sequences and control characters removed, TAB and LF kept. */
export function cleanText(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text
    .replace(ESCAPE, '')
    .replace(C1_SEQUENCE, '')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL, '');
}

/** One line: cleaned, every run of white space (tabs and newlines included) made one space. */
export function cleanLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** true when the text holds a control or bidirectional formatting character (a file name to refuse) */
export function hasControl(text: string): boolean {
  return ANY_CONTROL.test(text);
}

/** The text with its control characters shown as escapes (\x1b, \n), to name a refused value. */
export function visible(text: string): string {
  return text.replace(new RegExp(ANY_CONTROL.source, 'g'), (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    if (char === '\r') return '\\r';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A field of tab-separated output: backslash, TAB, LF and CR escaped, so one row stays one row. */
export function tsvField(text: string): string {
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!) : text;
}

/** A parsed JSON document nested deeper than this is refused: walking it would exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

export class TooDeepError extends Error {}

/** Every string (and key) of a parsed JSON document cleaned with cleanText; throws TooDeepError past MAX_JSON_DEPTH. */
export function cleanJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_JSON_DEPTH) throw new TooDeepError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((item) => cleanJson(item, depth + 1));
  const result: Record<string, unknown> = {};
  // defineProperty: a "__proto__" key stays a plain key instead of replacing the object's prototype
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(result, cleanText(key), { value: cleanJson(item, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return result;
}

/** One row of tab-separated output, every field escaped with tsvField. */
export function tsvRow(fields: readonly string[]): string {
  return fields.map(tsvField).join('\t');
}
