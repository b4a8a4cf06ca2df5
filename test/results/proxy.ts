/**
 * A tiny loopback proxy in front of an emulator for transfer faults the emulator cannot make: result
 * downloads (/share/) cut off after N bytes (socket destroyed mid-body) or throttled to a slow pace.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** destroy the client socket after this many body bytes of a /share/ download */
  cutAfter?: number;
  /** pace /share/ bodies to about this many bytes per second */
  bytesPerSecond?: number;
}

export interface Proxy {
  url: string;
  options: ProxyOptions;
  close(): Promise<void>;
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const upstream = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      async (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        const shaped = incoming.url?.includes('/share/') && response.statusCode === 200;
        if (!shaped || (!proxy.options.cutAfter && !proxy.options.bytesPerSecond)) return void response.pipe(outgoing);
        let sent = 0;
        for await (const chunk of response as AsyncIterable<Buffer>) {
          const cut = proxy.options.cutAfter;
          if (cut !== undefined && sent + chunk.length >= cut) {
            outgoing.write(chunk.subarray(0, cut - sent));
            // flush what was written, then reset the connection mid-body
            setTimeout(() => outgoing.socket?.destroy(), 20);
            response.destroy();
            return;
          }
          for (let offset = 0; offset < chunk.length; offset += 16384) {
            if (outgoing.destroyed) return response.destroy();
            outgoing.write(chunk.subarray(offset, offset + 16384));
            sent += Math.min(16384, chunk.length - offset);
            if (proxy.options.bytesPerSecond) await new Promise((resolve) => setTimeout(resolve, (16384 / proxy.options.bytesPerSecond!) * 1000));
          }
        }
        outgoing.end();
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    options,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
