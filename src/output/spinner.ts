/**
 * A spinner on stderr while something runs that prints nothing (submit's pre-flight: reading the input,
 * asking each service): the screen is never blank. Only on a terminal, never under --quiet or --json.
 */
import type { Context } from '../context.js';
import { createLiveArea, spinnerFrame } from './live.js';

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

export function startSpinner(context: Context, text: string): Spinner {
  if (!context.stderrTty || context.globals.quiet || context.globals.json) return { update: () => undefined, stop: () => undefined };
  const style = context.errorStyle;
  let label = text;
  const live = animate(context, (tick) => `${style.cyan(spinnerFrame(tick, style.symbols.spinner))} ${label}`, 80);
  return {
    update: (next) => {
      label = next;
      live.redraw();
    },
    stop: live.stop,
  };
}

/**
 * A frame on stderr redrawn every `everyMs` (and on `redraw`) until `stop`, or until the command is
 * interrupted: the interrupt's lines are then printed under no frame that goes on redrawing.
 */
export function animate(context: Context, frame: (tick: number) => string, everyMs: number): { redraw(): void; stop(): void } {
  const area = createLiveArea(context.stderr, context.errorStyle.symbols.ellipsis);
  context.stderrLive = area;
  let tick = 0;
  const redraw = () => area.update(frame(tick++));
  const timer = setInterval(redraw, everyMs);
  timer.unref();
  redraw();
  const stop = () => {
    clearInterval(timer);
    area.clear();
    if (context.stderrLive === area) context.stderrLive = undefined;
  };
  context.signal.addEventListener('abort', stop, { once: true });
  return { redraw, stop };
}
