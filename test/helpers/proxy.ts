/**
 * A tiny loopback proxy in front of an emulator for transfer faults the emulator cannot make: result
 * downloads (/share/) cut off after N bytes (socket destroyed mid-body) or held after N bytes, and uploads
 * (request bodies) held after N bytes, until the test releases them: a transfer that is surely in flight
 * when the test acts, however loaded the machine.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** destroy the client socket after this many body bytes of a /share/ download */
  cutAfter?: number;
  /** stop sending a /share/ body after this many bytes until `release()` */
  holdAfter?: number;
  /** stop passing a request body on to the server after this many bytes until `release()` */
  holdUploadAfter?: number;
}

export interface Proxy {
  url: string;
  options: ProxyOptions;
  /** let held transfers go on (and hold no more) */
  release(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const upstream = new URL(target);
  let released: () => void = () => undefined;
  let held = new Promise<void>((resolve) => (released = resolve));
  const server: Server = createServer((incoming, outgoing) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      async (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        const shaped = incoming.url?.includes('/share/') && response.statusCode === 200;
        if (!shaped || (proxy.options.cutAfter === undefined && proxy.options.holdAfter === undefined)) return void response.pipe(outgoing);
        let sent = 0;
        for await (const chunk of response as AsyncIterable<Buffer>) {
          const cut = proxy.options.cutAfter;
          if (cut !== undefined && sent + chunk.length >= cut) {
            // reset the connection mid-body once what was written has been handed to the kernel
            outgoing.write(chunk.subarray(0, cut - sent), () => outgoing.socket?.destroy());
            response.destroy();
            return;
          }
          const hold = proxy.options.holdAfter;
          if (hold !== undefined && sent + chunk.length >= hold) {
            outgoing.write(chunk.subarray(0, hold - sent));
            await held;
            if (outgoing.destroyed) return response.destroy();
            outgoing.write(chunk.subarray(hold - sent));
          } else outgoing.write(chunk);
          sent += chunk.length;
        }
        outgoing.end();
      },
    );
    forward.on('error', () => outgoing.destroy());
    // a client that goes away mid-upload: the server sees the upload break off too
    incoming.on('close', () => incoming.complete || forward.destroy());
    passBody(incoming, forward).catch(() => forward.destroy());
  });

  /** the request body on to the server, held after `holdUploadAfter` bytes until released */
  async function passBody(incoming: IncomingMessage, forward: ReturnType<typeof request>): Promise<void> {
    if (proxy.options.holdUploadAfter === undefined) return void incoming.pipe(forward);
    let sent = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      // read at each chunk: a release that came before the body reached the hold leaves nothing to wait for
      const hold = proxy.options.holdUploadAfter;
      if (hold !== undefined && sent <= hold && sent + chunk.length > hold) {
        forward.write(chunk.subarray(0, hold - sent));
        await held;
        forward.write(chunk.subarray(hold - sent));
      } else forward.write(chunk);
      sent += chunk.length;
    }
    forward.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const proxy: Proxy = {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    options,
    release() {
      proxy.options.holdAfter = undefined;
      proxy.options.holdUploadAfter = undefined;
      released();
      held = new Promise<void>((resolve) => (released = resolve));
    },
    close: async () => {
      released();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
