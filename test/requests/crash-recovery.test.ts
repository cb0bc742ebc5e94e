/**
 * A `kill -9` at any moment loses nothing and never mints a second license: the service is
 * killed (a real SIGKILL, at a named point inside each step), restarted on the same data
 * directory, and must finish the request with exactly one license and one email.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApiToken } from '../../src/access/api-tokens.js';
import { systemClock } from '../../src/clock.js';
import { addDays } from '../../src/license/index.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { spawnLifeline } from '../support/process.js';
import { eventually, testSigningKeyFile } from '../support/service.js';

const crashPoints = [
  'generate_license:before_store',
  'generate_license:after_store',
  'send_email:before_send',
  'send_email:after_send',
];

async function prepare(dataDir: string): Promise<string> {
  const store = openStore(`sqlite:${join(dataDir, 'lifeline.db')}`);
  await migrateToLatest(store);
  const { token } = await createApiToken(
    store.db,
    { name: 'crash-test', role: 'engineer' },
    Date.now(),
  );
  await store.close();
  return token;
}

describe('crash recovery (SIGKILL inside each step, then restart)', () => {
  for (const point of crashPoints) {
    it(`finishes with one license after a kill at ${point}`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-crash-'));
      const env = {
        LIFELINE_DATA_DIR: dataDir,
        LIFELINE_PORT: '0',
        LIFELINE_SIGNING_KEY_FILE: testSigningKeyFile,
        LIFELINE_JOB_LEASE_MS: '800',
        LIFELINE_JOB_POLL_MS: '50',
        LIFELINE_RETRY_BASE_MS: '50',
      };
      try {
        const token = await prepare(dataDir);
        const doomed = spawnLifeline(['serve'], { ...env, LIFELINE_CRASH_AT: point });
        const url = await doomed.url;
        const today = systemClock.today();
        const domain = `${point.replace(/[^a-z]/g, '')}.example`;
        const answer = await fetch(`${url}/api/v1/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            ticket: { id: '777', url: 'https://support.example.com/agent/tickets/777' },
            customerEmail: `admin@${domain}`,
            userCount: 300,
            evidence: {
              plan: 'premium',
              expiredOn: addDays(today, -16),
              licensedUsers: 300,
              maximumUsers: 300,
              screenshotsAttached: true,
            },
          }),
        });
        assert.equal(answer.status, 202);
        const { id } = (await answer.json()) as { id: string };
        const death = await doomed.exited;
        assert.equal(
          death.signal,
          'SIGKILL',
          `the service should have died at ${point}: ${doomed.stderr()}`,
        );

        const revived = spawnLifeline(['serve'], env);
        try {
          const revivedUrl = await revived.url;
          const request = await eventually(
            async () => {
              const response = await fetch(`${revivedUrl}/api/v1/requests/${id}`, {
                headers: { authorization: `Bearer ${token}` },
              });
              const body = (await response.json()) as {
                state: string;
                trackerIssue: { state: string; title: string } | null;
              };
              return body.state === 'succeeded' && body.trackerIssue?.state === 'closed'
                ? body
                : undefined;
            },
            60_000,
            `request ${id} to succeed after the restart`,
          );
          assert.equal(
            request.trackerIssue?.title,
            `[Success] - Created a license under admin@${domain} for 300 users`,
          );
        } finally {
          await revived.kill('SIGTERM');
        }
        const store = openStore(`sqlite:${join(dataDir, 'lifeline.db')}`);
        try {
          const licenses = await store.db
            .selectFrom('licenses')
            .select('text')
            .where('request_id', '=', id)
            .execute();
          assert.equal(licenses.length, 1, 'exactly one license');
          const issues = await store.db
            .selectFrom('tracker_issues')
            .selectAll()
            .where('request_id', '=', id)
            .execute();
          assert.equal(issues.length, 1, 'exactly one tracker issue');
        } finally {
          await store.close();
        }
        const emails = readdirSync(join(dataDir, 'outbox')).filter((name) => name.includes(id));
        assert.equal(
          emails.length,
          1,
          'one email (a resend after a crash carries the same Message-ID and replaces it)',
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});
