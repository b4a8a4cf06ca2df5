/**
 * A block of lines redrawn in place on a terminal: `submit`'s upload bars, `watch`'s live table,
 * `download`'s transfer bars, the pre-flight spinner. Each frame's lines are cut to the terminal's width
 * with the same measure the tables are laid out with (output/width.ts), so no line wraps and the redraw
 * always knows how many lines to move back over (log-update measured some symbols wider than the
 * terminal draws them and left broken rows behind).
 */
import type { OutputStream } from './style.js';
import { streamWidth, truncateEnd } from './width.js';

export interface LiveArea {
  update(text: string): void;
  /** print lines above the area (a warning while bars run): the frame is erased, then drawn again under them */
  above(text: string): void;
  /** leave the last frame on screen */
  done(): void;
  /** erase the area (the command prints its own summary next) */
  clear(): void;
}

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const ERASE_DOWN = '\u001b[J';

export function createLiveArea(stream: OutputStream, ellipsis = '…'): LiveArea {
  let height = 0;
  let closed = false;
  let last: string[] = [];
  const back = () => (height > 1 ? `\r\u001b[${height - 1}A` : '\r');
  const frame = (text: string): string[] => {
    const width = streamWidth(stream);
    let lines = text.split('\n').map((line) => truncateEnd(line, width, ellipsis));
    // a frame taller than the screen cannot be moved back over: keep its head and its last line
    const rows = stream.rows && stream.rows > 2 ? stream.rows - 1 : 40;
    if (lines.length > rows) lines = [...lines.slice(0, rows - 1), lines.at(-1)!];
    return lines;
  };
  return {
    update(text) {
      if (closed) return;
      const lines = frame(text);
      stream.write(`${height === 0 ? HIDE_CURSOR : back()}${ERASE_DOWN}${lines.join('\n')}`);
      height = lines.length;
      last = lines;
    },
    above(text) {
      if (closed || height === 0) return void stream.write(text);
      stream.write(`${back()}${ERASE_DOWN}${text}${last.join('\n')}`);
    },
    done() {
      if (closed) return;
      closed = true;
      stream.write(`${height > 0 ? '\n' : ''}${SHOW_CURSOR}`);
    },
    clear() {
      if (closed) return;
      closed = true;
      stream.write(`${height > 0 ? back() : ''}${ERASE_DOWN}${SHOW_CURSOR}`);
    },
  };
}

export function spinnerFrame(tick: number, frames: readonly string[]): string {
  return frames[tick % frames.length];
}
