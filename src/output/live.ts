/**
 * A block of lines redrawn in place on a terminal (log-update), used by `submit` for upload progress,
 * `watch` for its live table and `download` for transfer bars. Loaded only on a TTY.
 */
import type { OutputStream } from './style.js';

export interface LiveArea {
  update(text: string): void;
  /** leave the last frame on screen */
  done(): void;
  /** erase the area (the command prints its own summary next) */
  clear(): void;
}

export async function createLiveArea(stream: OutputStream): Promise<LiveArea> {
  const { createLogUpdate } = await import('log-update');
  // log-update cuts frames to stream.rows; a pty that never got a window size reports 0 rows
  const target = (stream as NodeJS.WriteStream).rows ? stream : Object.assign(Object.create(stream as object) as object, { rows: 40 });
  const render = createLogUpdate(target as NodeJS.WriteStream, { showCursor: false });
  return {
    update: (text) => render(text),
    done: () => render.done(),
    clear: () => {
      render.clear();
      render.done();
    },
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export function spinnerFrame(tick: number): string {
  return FRAMES[tick % FRAMES.length];
}
