/**
 * Waiting for a condition, never for a guessed time: `until` checks `condition` as often as the event loop
 * allows (a 2 ms pause between checks, so that a check that cannot be true yet does not take the CPU from the
 * work it waits for) and fails after a generous wall-time deadline, naming what it waited for. The deadline is
 * there to end a test that would hang; under any load the condition comes long before it.
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
