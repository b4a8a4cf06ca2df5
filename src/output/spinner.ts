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
  const area = createLiveArea(context.stderr, style.symbols.ellipsis);
  context.stderrLive = area;
  let tick = 0;
  let label = text;
  const draw = () => area.update(`${style.cyan(spinnerFrame(tick++, style.symbols.spinner))} ${label}`);
  const timer = setInterval(draw, 80);
  timer.unref();
  draw();
  const stop = () => {
    clearInterval(timer);
    area.clear();
    if (context.stderrLive === area) context.stderrLive = undefined;
  };
  context.signal.addEventListener('abort', stop, { once: true });
  return {
    update: (next) => {
      label = next;
      draw();
    },
    stop,
  };
}
