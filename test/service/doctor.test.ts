/**
 * `lifeline doctor` runs every check: one system's bad settings are reported beside the
 * results of the others instead of hiding them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { checkReadiness } from '../../src/service/readiness.js';
import { runInProcess } from '../support/cli.js';

it('a bad mail setting fails the mail check and the tracker, notice and ticket checks still run', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-doctor-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const checks = await checkReadiness(
    loadConfig({ LIFELINE_DATA_DIR: dataDir, SMTP_URL: 'ftp://mail.example.com' }),
  );
  const byName = new Map(checks.map((check) => [check.name, check]));

  const mail = byName.get('mail');
  assert.equal(mail?.ok, false);
  assert.match(mail.detail, /SMTP_URL must be smtp:\/\/ or smtps:\/\//);
  assert.match(mail.fix ?? '', /SMTP_\* \/ LIFELINE_MAIL_\* settings/);

  assert.equal(byName.get('tracker')?.ok, true, 'the tracker is still checked');
  assert.equal(byName.get('Slack notice')?.ok, true, 'the notice channel is still checked');
  assert.ok(
    checks.some((check) => /Zendesk/i.test(check.name) || /Zendesk/.test(check.detail)),
    'the ticket desk is still checked',
  );
  assert.equal(byName.get('database')?.ok, true);
});

it('shows when cover reminders are due: the hour and the zone', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-doctor-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const checks = await checkReadiness(
    loadConfig({
      LIFELINE_DATA_DIR: dataDir,
      LIFELINE_REMINDER_TIME_ZONE: 'europe/berlin',
      LIFELINE_REMINDER_HOUR: '8',
    }),
  );
  const reminders = checks.find((check) => check.name === 'cover reminders');
  assert.equal(reminders?.ok, true);
  assert.match(reminders.detail, /^at 08:00 Europe\/Berlin .*: 3 and 1 days before/);
  assert.match(reminders.detail, /next none queued$/);
});

it('refuses a test message to something that is not an email address, before any check', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-doctor-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const result = await runInProcess(['doctor', '--send-test-to', 'notanemail'], {
    env: { ...process.env, LIFELINE_DATA_DIR: dataDir, DATABASE_URL: '' },
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /--send-test-to must be an email address \(got "notanemail"\)/);
  assert.equal(result.stdout, '');
});
