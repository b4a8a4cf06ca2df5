/** The sanitiser of server text (src/sanitize.ts) on small hand-checked inputs. */
import { describe, expect, it } from 'vitest';
import { cleanJson, cleanLine, cleanText, hasControl, tsvField, tsvRow, visible } from '../../src/sanitize.js';

describe('cleanText / cleanLine', () => {
  it('removes CSI, OSC (BEL or ST ended), DCS and two-character escapes, keeping the text around them', () => {
    expect(cleanText('a\x1b[1;31mb\x1b[0mc')).toBe('abc');
    expect(cleanText('x\x1b]0;title\x07y\x1b]52;c;Zm9v\x1b\\z')).toBe('xyz');
    expect(cleanText('p\x1bPq#0;2;0;0;0\x1b\\q')).toBe('pq');
    expect(cleanText('m\x1bcn\x1b7o')).toBe('mno');
  });
  it('removes 8-bit C1 sequences and controls, DEL and bidirectional overrides; keeps TAB and LF; CR becomes LF', () => {
    expect(cleanText('a\x9b2Jb\x9d0;t\x9cc\x85d\x7fe')).toBe('abcde');
    expect(cleanText('\u202eevil\u202c \u2066x\u2069')).toBe('evil x');
    expect(cleanText('col1\tcol2\r\nnext\rline\x00')).toBe('col1\tcol2\nnext\nline');
  });
  it('an unterminated OSC swallows the rest (it would in a terminal too)', () => expect(cleanText('ok\x1b]0;no end')).toBe('ok'));
  it('cleanLine makes one line: runs of white space one space, trimmed', () => expect(cleanLine(' a\t\tb\n\nc\x1b[2J ')).toBe('a b c'));
  it('leaves ordinary text, accents and emoji alone (and returns it as is)', () => {
    const text = 'Imputation (3/22) — Zürich ✓ 🧬';
    expect(cleanText(text)).toBe(text);
  });
});

describe('names and tab-separated output', () => {
  it('hasControl spots what a file name must not hold', () => {
    expect(hasControl('chr20.dose.vcf.gz')).toBe(false);
    for (const name of ['a\tb', 'a\nb', 'a\x1bb', 'a\u202eb', 'a\x00b', 'a\x9bb']) expect(hasControl(name), visible(name)).toBe(true);
  });
  it('visible shows control characters as escapes', () => expect(visible('a\tb\n\x1b[2J\u202e')).toBe('a\\tb\\n\\x1b[2J\\u202e'));
  it('tsvField escapes backslash, TAB, LF and CR so one row stays one row', () => {
    expect(tsvField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(tsvRow(['x\ty', 'z']).split('\t')).toEqual(['x\\ty', 'z']);
  });
});

describe('cleanJson', () => {
  it('cleans every string and key, keeps numbers, booleans and null', () => {
    expect(cleanJson({ 'k\x1b[1m': ['v\x07', 1, true, null, { n: 'a\u202eb' }] })).toEqual({ k: ['v', 1, true, null, { n: 'ab' }] });
  });
  it('keeps a "__proto__" key a plain key', () => {
    const value = cleanJson(JSON.parse('{"__proto__":{"polluted":1}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
  it('refuses a document nested deeper than 64 levels', () => {
    expect(() => cleanJson(JSON.parse(`${'['.repeat(65)}${']'.repeat(65)}`))).toThrow(/nested deeper than 64 levels/);
    expect(() => cleanJson(JSON.parse(`${'['.repeat(63)}${']'.repeat(63)}`))).not.toThrow();
  });
});
