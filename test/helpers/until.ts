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

/**
 * Every request a client sent (a killed one too) has reached the emulators and ended: a fresh request to each
 * is answered only after the server accepted every connection made before it (the kernel queues connections
 * in order, and the server accepts all that are waiting at once), and then no recorded request is still in
 * flight (status 0).
 */
export async function serversSettled(servers: { url: string; requests: { status: number }[] }[], timeoutMs = 30_000): Promise<void> {
  await Promise.all(servers.map((server) => fetch(server.url).then((response) => response.arrayBuffer(), () => undefined)));
  await until(() => servers.every((server) => server.requests.every((request) => request.status !== 0)), 'the servers to take in every request sent to them', timeoutMs);
}
