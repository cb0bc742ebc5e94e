/**
 * Starts a real Lifeline (HTTP API + worker) for a test, on a fresh temporary data directory,
 * with SQLite by default or the database URL given. Returns its URL and an engineer token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiToken } from '../../src/access/api-tokens.js';
import { roles, type Role } from '../../src/access/principal.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/service/logger.js';
import { startService, type RunningService } from '../../src/service/start.js';
import type { TestDatabase } from './databases.js';

export interface TestService {
  url: string;
  token: string;
  adminToken: string;
  /** One token per role, named `test-ROLE`. */
  tokens: Record<Role, string>;
  dataDir: string;
  service: RunningService;
  /**
   * Answers whose status or body their route's response schema does not declare (what `/docs`
   * would not tell a client): a test of HTTP traffic asserts there are none.
   */
  undeclaredAnswers: string[];
  /** fetch against the service with the engineer token. */
  api(
    path: string,
    init?: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      token?: string | null;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export const testSigningKeyFile = new URL(
  '../fixtures/gitlab-license/test_license_key.pem',
  import.meta.url,
).pathname;
export const testPublicKeyFile = new URL(
  '../fixtures/gitlab-license/test_license_key.pub',
  import.meta.url,
).pathname;

export async function startTestService(
  env: Record<string, string> = {},
  options: {
    clock?: Clock;
    roles?: { api: boolean; worker: boolean };
    logs?: { write(line: string): void };
    /** A fresh database of this kind (from `testDatabases`), dropped on stop; default SQLite. */
    database?: TestDatabase;
  } = {},
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-test-'));
  const database = await options.database?.create({ migrated: true });
  const config = loadConfig({
    LIFELINE_DATA_DIR: dataDir,
    LIFELINE_PORT: '0',
    LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
    LIFELINE_JOB_POLL_MS: '50',
    LIFELINE_RETRY_BASE_MS: '50',
    LIFELINE_RETRY_MAX_MS: '500',
    LIFELINE_LOG_LEVEL: 'silent',
    // A test's engineer makes many requests on one fixed day; the caps have their own tests
    // (test/requests/approval.test.ts), which set them back.
    LIFELINE_APPROVAL_DAILY_CAP_PER_ENGINEER: '100000',
    LIFELINE_APPROVAL_DAILY_CAP_DESK: '100000',
    // Scheduled posts at start would land among a test's own notices; tests of them turn them on.
    LIFELINE_AUDIT_HEAD_SCHEDULE: 'off',
    LIFELINE_HANDOFF_SCHEDULE: 'off',
    ...(database?.url && { DATABASE_URL: database.url }),
    ...env,
  });
  const undeclaredAnswers: string[] = [];
  const service = await startService(config, {
    roles: options.roles ?? { api: true, worker: true },
    undeclaredAnswer: (finding) => undeclaredAnswers.push(finding),
    logger: createLogger(config.values.LIFELINE_LOG_LEVEL, options.logs),
    ...(options.clock && { clock: options.clock }),
  }).catch(async (error: unknown) => {
    // Nothing of a service that did not start may outlive the error (a port taken meanwhile).
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const tokens = {} as Record<Role, string>;
  for (const role of roles) {
    tokens[role] = (
      await createApiToken(service.store.db, { name: `test-${role}`, role }, Date.now())
    ).token;
  }
  const token = tokens.engineer;
  const adminToken = tokens.admin;
  const url = service.url ?? '';
  return {
    url,
    token,
    adminToken,
    tokens,
    dataDir,
    service,
    undeclaredAnswers,
    async api(path, init = {}) {
      const bearer = init.token === undefined ? token : init.token;
      const response = await fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(bearer && { authorization: `Bearer ${bearer}` }),
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body !== undefined && {
          body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
        }),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // a license download
      }
      return { status: response.status, body, headers: response.headers };
    },
    async stop() {
      await service.stop(2_000);
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      // Whatever a test sent, /docs declared each answer it got (src/http/answer-check.ts).
      if (undeclaredAnswers.length > 0)
        throw new Error(
          `Answers the routes' response schemas do not declare:\n${[...new Set(undeclaredAnswers)].join('\n')}`,
        );
    },
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
