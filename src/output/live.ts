/**
 * A block of lines redrawn in place on a terminal (log-update), used by `submit` for upload progress,
 * `watch` for its live table and `download` for transfer bars. Loaded only on a TTY.
 */
import type { OutputStream } from '../context.js';

export interface LiveArea {
  update(text: string): void;
  /** leave the last frame on screen */
  done(): void;
}

export async function createLiveArea(stream: OutputStream): Promise<LiveArea> {
  const { createLogUpdate } = await import('log-update');
  const render = createLogUpdate(stream as NodeJS.WriteStream, { showCursor: false });
  return {
    update: (text) => render(text),
    done: () => render.done(),
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export function spinnerFrame(tick: number): string {
  return FRAMES[tick % FRAMES.length];
}
