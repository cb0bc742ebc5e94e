/**
 * A TCP proxy in front of one fake remote, so the chaos run can make the remote misbehave the
 * way real ones do, whatever protocol it speaks (SMTP or HTTP):
 * - `hang`: connections are accepted and then nothing more happens, in either direction, on new
 *   and already open connections alike (a server that accepted and never answers);
 * - `refuse`: the port is closed (connection refused) and open connections are cut;
 * - `pass`: bytes flow both ways.
 * Going back to `pass` cuts the connections that were held, as a rebooted server would.
 */
import { createServer, Socket, type Server } from 'node:net';

export type ProxyMode = 'pass' | 'hang' | 'refuse';

export interface FaultProxy {
  /** `127.0.0.1:PORT`, to put in front of the fake's own URL in its place. */
  port: number;
  mode: ProxyMode;
  setMode(mode: ProxyMode): Promise<void>;
  /** Connections accepted so far, and those held silent by a hang. */
  stats: { connections: number; held: number };
  stop(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const held = new Set<Socket>();
  const stats = { connections: 0, held: 0 };
  let mode: ProxyMode = 'pass';

  const cut = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  };

  const onConnection = (client: Socket) => {
    stats.connections += 1;
    client.on('error', () => undefined);
    if (mode !== 'pass') {
      // Hung: the TCP handshake succeeded, not a byte follows.
      stats.held += 1;
      held.add(client);
      client.pause();
      client.once('close', () => held.delete(client));
      return;
    }
    const pair: Pair = { client };
    pairs.add(pair);
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => cut(pair));
    client.on('close', () => cut(pair));
    upstream.on('close', () => cut(pair));
    upstream.connect(targetPort, '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const port = await listen(0);

  const proxy: FaultProxy = {
    port,
    get mode() {
      return mode;
    },
    stats,
    async setMode(next) {
      if (next === mode) return;
      const previous = mode;
      mode = next;
      if (previous === 'refuse') {
        server = createServer(onConnection);
        await listen(port);
      }
      if (next === 'hang') {
        for (const pair of pairs) {
          pair.client.unpipe();
          pair.upstream?.unpipe();
          pair.client.pause();
          pair.upstream?.pause();
        }
        return;
      }
      // Out of a hang, or into a refusal: what was open is cut.
      for (const pair of [...pairs]) cut(pair);
      for (const socket of held) socket.destroy();
      if (next === 'refuse') await close();
    },
    async stop() {
      for (const pair of [...pairs]) cut(pair);
      for (const socket of held) socket.destroy();
      if (mode !== 'refuse') await close();
    },
  };
  return proxy;
}
