import type pg from 'pg';
import { pgModule } from './pg-module.js';

export interface ChannelListenerOptions {
  /** Makes a new, unconnected client (a connection outside the pool: LISTEN keeps it). */
  connect: () => pg.Client;
  channel: string;
  onNotification: (payload: string) => void;
  /**
   * After every successful (re)connection. Notifications sent while no connection listened are
   * lost for good, so a caller that reacts to them should look for missed work here.
   */
  onConnected?: (reconnected: boolean) => void;
  /** The connection failed or dropped; the next try comes in `retryInMs`. */
  onLost?: (error: unknown, retryInMs: number) => void;
  /** Reconnect delays: doubling from `baseMs` up to `maxMs`, ±20 % jitter. */
  retry?: { baseMs: number; maxMs: number };
}

export interface ChannelListener {
  /** True while a connection is listening. */
  readonly listening: boolean;
  stop(): Promise<void>;
}

const defaultRetry = { baseMs: 250, maxMs: 30_000 };

/**
 * LISTEN on one channel over a dedicated connection that comes back by itself: when the
 * connection drops (a server restart, a failover, an idle-connection killer), it reconnects with
 * backoff for as long as it is not stopped. Resolves after the first attempt, whether or not it
 * connected: listening is an optimisation, and callers must work (more slowly) without it.
 */
export async function listenOnChannel(options: ChannelListenerOptions): Promise<ChannelListener> {
  const retry = options.retry ?? defaultRetry;
  let client: pg.Client | undefined;
  let stopped = false;
  let everConnected = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  // Each client is given up on once, whichever of its error, end or failed connect comes first.
  const abandoned = new WeakSet<pg.Client>();

  const abandon = (lost: pg.Client, error: unknown) => {
    if (abandoned.has(lost)) return;
    abandoned.add(lost);
    if (client === lost) client = undefined;
    lost.end().catch(() => undefined);
    if (stopped) return;
    const delay = Math.min(retry.maxMs, retry.baseMs * 2 ** failures);
    const retryInMs = Math.round(delay * (0.8 + 0.4 * Math.random()));
    failures += 1;
    options.onLost?.(error, retryInMs);
    timer = setTimeout(() => void attempt(), retryInMs);
    // A listener alone must not keep the process alive.
    timer.unref();
  };

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    const next = options.connect();
    // Without an error listener, a dropped connection would crash the process.
    next.on('error', (error) => abandon(next, error));
    next.on('end', () => abandon(next, new Error('the listening connection ended')));
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pgModule().escapeIdentifier(options.channel)}`);
    } catch (error) {
      abandon(next, error);
      return;
    }
    if (stopped || abandoned.has(next)) {
      if (!abandoned.has(next)) {
        abandoned.add(next);
        await next.end().catch(() => undefined);
      }
      return;
    }
    client = next;
    failures = 0;
    const reconnected = everConnected;
    everConnected = true;
    options.onConnected?.(reconnected);
  };

  await attempt();
  return {
    get listening() {
      return client !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      if (current && !abandoned.has(current)) {
        abandoned.add(current);
        await current.end().catch(() => undefined);
      }
    },
  };
}
