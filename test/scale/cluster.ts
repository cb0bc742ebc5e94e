/**
 * Several real Lifeline processes on one database, as a multi-machine deployment runs them:
 * `lifeline migrate` once, then API-only processes (`serve --no-worker`) and worker processes
 * (`worker`), each with a data directory of its own (nothing shared but the database and the
 * outside services), started as child processes with the real clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../../src/access/api-tokens.js';
import { systemClock } from '../../src/clock.js';
import { addDays } from '../../src/license/index.js';
import { openStore, type Store } from '../../src/store/database.js';
import { spawnLifeline, type LifelineProcess } from '../support/process.js';
import { testSigningKeyFile } from '../support/service.js';

export interface Cluster {
  /** The API processes' addresses, in start order. */
  urls: string[];
  apis: LifelineProcess[];
  workers: LifelineProcess[];
  token: string;
  /** A connection of the test's own, to look at what the processes wrote. */
  store: Store;
  /** Starts one more worker process (with extra settings, e.g. a crash point, and options). */
  addWorker(env?: Record<string, string>, args?: string[]): LifelineProcess;
  /**
   * POSTs a request to the `index`th API process, as a well-behaved client does: an answer of
   * 503 or 429 (the service did nothing) is sent again after its `Retry-After`, up to ten times.
   */
  submit(
    index: number,
    body: unknown,
    idempotencyKey?: string,
  ): Promise<{ status: number; body: any; busyAnswers: number }>;
  /** The last lines every process logged (warnings and up, then its progress), for failures. */
  logs(): string;
  /** Sends SIGTERM to every process and waits for them; returns their exits. */
  stop(): Promise<Array<{ code: number | null; signal: NodeJS.Signals | null }>>;
}

export interface ClusterOptions {
  databaseUrl: string;
  apis: number;
  workers: number;
  /** Settings every process gets (outside services, leases…). */
  env?: Record<string, string>;
  /** Settings only API processes get, and only worker processes. */
  apiEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
}

/** Runs `lifeline` to completion and returns its exit code and output. */
export async function runLifeline(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawnLifeline(args, env);
  const exit = await child.exited;
  return { code: exit.code, stderr: child.stderr() };
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const directories: string[] = [];
  const processes: LifelineProcess[] = [];
  const logTails = new Map<LifelineProcess, string>();
  const spawn = (args: string[], env: Record<string, string>) => {
    const child = spawnLifeline(args, env);
    processes.push(child);
    logTails.set(child, '');
    child.child.stdout?.on('data', (chunk: Buffer) => {
      logTails.set(child, ((logTails.get(child) ?? '') + chunk.toString('utf8')).slice(-20_000));
    });
    return child;
  };
  const baseEnv = (): Record<string, string> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-cluster-'));
    directories.push(dataDir);
    return {
      DATABASE_URL: options.databaseUrl,
      LIFELINE_DATA_DIR: dataDir,
      LIFELINE_PORT: '0',
      LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
      // Migrations are run once, explicitly, as the deployment guide says.
      LIFELINE_AUTO_MIGRATE: 'false',
      // One token makes thousands of requests a minute here: the daily caps would hold them.
      LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '1000000',
      LIFELINE_APPROVAL_DAILY_CAP_DESK: '10000000',
      // Small pools: the test suite shares one server (max_connections 100) across test files.
      DATABASE_POOL_MAX: '4',
      ...options.env,
    };
  };

  const migrated = await runLifeline(['migrate'], baseEnv());
  if (migrated.code !== 0) throw new Error(`lifeline migrate failed:\n${migrated.stderr}`);

  const store = openStore(options.databaseUrl, { max: 4 });
  const { token } = await createApiToken(
    store.db,
    { name: 'scale-test', role: 'service' },
    Date.now(),
  );

  const apis = Array.from({ length: options.apis }, () =>
    spawn(['serve', '--no-worker'], { ...baseEnv(), ...options.apiEnv }),
  );
  const addWorker = (env: Record<string, string> = {}, args: string[] = []) =>
    spawn(['worker', ...args], { ...baseEnv(), ...options.workerEnv, ...env });
  const workers = Array.from({ length: options.workers }, () => addWorker());
  let urls: string[];
  try {
    urls = await Promise.all(apis.map((api) => api.url));
  } catch (error) {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await store.close();
    throw error;
  }

  return {
    urls,
    apis,
    workers,
    token,
    store,
    addWorker,
    logs: () =>
      processes
        .map(
          (p) =>
            `--- ${p.child.spawnargs.slice(3).join(' ')}\n${logTails.get(p) ?? ''}${p.stderr().slice(-2_000)}`,
        )
        .join('\n'),
    async submit(index, body, idempotencyKey) {
      const url = urls[index % urls.length] ?? '';
      for (let busyAnswers = 0; ; busyAnswers++) {
        const response = await fetch(`${url}/api/v1/requests`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            ...(idempotencyKey && { 'idempotency-key': idempotencyKey }),
          },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        const busy = response.status === 503 || response.status === 429;
        if (busy && busyAnswers < 10) {
          const seconds = Number(response.headers.get('retry-after') ?? '1');
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
          continue;
        }
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep the text: the assertion shows it
        }
        return { status: response.status, body: parsed, busyAnswers };
      }
    },
    async stop() {
      const exits = await Promise.all(
        processes.map(async (p) => {
          await p.kill('SIGTERM');
          return p.exited;
        }),
      );
      await store.close();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
      return exits;
    },
  };
}

/**
 * An eligible request for a customer of its own: the repeat rule refuses a second emergency for
 * the same email domain within 30 days, so distinct requests need distinct domains. The expired
 * license is dated from the real today (the child processes use the real clock).
 */
export function customerRequest(customer: string, userCount = 200) {
  const today = systemClock.today();
  return {
    ticket: {
      id: customer,
      url: `https://support.example.com/agent/tickets/${encodeURIComponent(customer)}`,
    },
    requestedBy: 'oncall-engineer',
    customerEmail: `admin@${customer}.example`,
    userCount,
    evidence: {
      plan: 'premium',
      expiredOn: addDays(today, -16),
      licensedUsers: 480,
      maximumUsers: userCount,
      screenshotsAttached: true,
    },
  };
}
