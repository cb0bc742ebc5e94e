import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ReadinessCheck } from '../ports/remote-failure.js';
import { buildEmergencyLicense, decodeLicense, signLicense } from '../license/index.js';
import { openStore, type Store } from '../store/database.js';
import { probeWrite } from '../store/probe-write.js';
import { clockSkewSentence, measureClockOffset } from '../store/database-clock.js';
import { systemClock } from '../clock.js';
import { storageFailureCode, storageFailureSentence } from '../store/storage-failure.js';
import { migrateToLatest } from '../store/migrate.js';
import { buildMail, buildNotice, buildTicketDesk, buildTracker } from './adapters.js';
import { scheduleChecks } from '../schedule/schedule-checks.js';
import { coverReminderCheck } from '../requests/cover-reminder-check.js';
import { createLogger } from './logger.js';
import { setUpEvidenceKeys, setUpSigner, VENDOR_KEY_ADVICE } from './signing-keys.js';

/** Whether the database takes a write: a full disk refuses writes while reads still work. */
async function writeCheck(store: Store): Promise<ReadinessCheck> {
  try {
    await probeWrite(store, Date.now());
    return { name: 'database writes', ok: true, detail: 'a write commits' };
  } catch (error) {
    const code = storageFailureCode(error);
    return {
      name: 'database writes',
      ok: false,
      detail: code ? storageFailureSentence(code) : `a write fails: ${message(error)}`,
      fix: code
        ? "free space on the disk that holds the database (LIFELINE_DATA_DIR, or the PostgreSQL server's)"
        : 'check that the database user may write (DATABASE_URL)',
    };
  }
}

/** Whether this machine's clock agrees with the database's, which leases are judged by. */
async function clockCheck(store: Store, maxSkewMs: number): Promise<ReadinessCheck> {
  const offset = await measureClockOffset(store, systemClock);
  if (offset === undefined) {
    return {
      name: 'clock',
      ok: true,
      detail: "SQLite: this machine's clock is the only one (leases and rate limits follow it)",
    };
  }
  if (Math.abs(offset) > maxSkewMs) {
    return {
      name: 'clock',
      ok: false,
      detail: clockSkewSentence(offset, maxSkewMs),
      fix: 'sync this machine’s clock with NTP (timedatectl set-ntp true, chrony)',
    };
  }
  return {
    name: 'clock',
    ok: true,
    detail: `within ${Math.abs(offset)} ms of the database's (at most LIFELINE_MAX_CLOCK_SKEW_MS = ${maxSkewMs})`,
  };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Everything `lifeline doctor` checks before a weekend: the key signs and reads back, the
 * database migrates and answers, and each configured outside system accepts our credentials.
 */
export async function checkReadiness(
  config: Config,
  options: { sendTestTo?: string } = {},
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [
    { name: 'configuration', ok: true, detail: 'all settings are valid' },
  ];
  const logger = createLogger('silent');

  try {
    const { signer, development } = await setUpSigner(config, logger);
    try {
      const attributes = buildEmergencyLicense(
        { customerEmail: 'doctor@lifeline.invalid', userCount: 1, at: new Date() },
        config.license,
      );
      const decoded = decodeLicense(await signLicense(attributes, signer), [
        { publicKey: signer.publicKey, fingerprint: signer.fingerprint },
      ]);
      const pinned = config.values.LIFELINE_SIGNING_KEY_FINGERPRINT ? ', pinned' : '';
      checks.push(
        !decoded.ok
          ? {
              name: 'signing key',
              ok: false,
              detail: `${signer.description}: ${decoded.error.message}`,
              fix: 'check LIFELINE_SIGNING_KEY_FILE or the LIFELINE_SIGNING_PKCS11_* settings',
            }
          : development
            ? {
                name: 'signing key',
                ok: false,
                detail: `the DEVELOPMENT key signs (fingerprint ${signer.fingerprint}): real GitLab instances refuse its licenses`,
                fix: VENDOR_KEY_ADVICE,
              }
            : {
                name: 'signing key',
                ok: true,
                detail: `${signer.description} signs and reads back (fingerprint ${signer.fingerprint}${pinned})`,
              },
      );
      const evidence = setUpEvidenceKeys(config.values.LIFELINE_EVIDENCE_PUBLIC_KEY_FILES, signer);
      checks.push({
        name: 'evidence keys',
        ok: true,
        detail: `${evidence.length} public key(s) to read customers' expired licenses: ${evidence.map((key) => `${key.label ?? 'unnamed'} (${key.fingerprint.slice(0, 16)}…)`).join(', ')}`,
      });
    } finally {
      await signer.close();
    }
  } catch (error) {
    checks.push({
      name: 'signing key',
      ok: false,
      detail: message(error),
      fix: 'check LIFELINE_SIGNING_KEY_FILE (or the LIFELINE_SIGNING_PKCS11_* settings), LIFELINE_SIGNING_KEY_FINGERPRINT and LIFELINE_EVIDENCE_PUBLIC_KEY_FILES',
    });
  }

  const store = openStore(config.databaseUrl, {
    max: 2,
    preparedStatements: config.values.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    const applied = await migrateToLatest(store);
    await sql`select 1`.execute(store.db);
    checks.push({
      name: 'database',
      ok: true,
      detail: `${store.description} answers${applied.length > 0 ? `; applied ${applied.join(', ')}` : ', schema up to date'}`,
    });
    checks.push(await writeCheck(store));
    checks.push(await clockCheck(store, config.values.LIFELINE_MAX_CLOCK_SKEW_MS));
    checks.push(...(await scheduleChecks(store.db, config.schedules, Date.now())));
    checks.push(await coverReminderCheck(store.db, config.cover, Date.now()));
    checks.push(...(await integrationChecks(config, store, logger, options)));
  } catch (error) {
    checks.push({
      name: 'database',
      ok: false,
      detail: message(error),
      fix: 'check DATABASE_URL and that the database server runs',
    });
  } finally {
    await store.close();
  }
  return checks;
}

/**
 * Each outside system is built and checked on its own, so one bad setting (a mail port, a
 * GitLab URL) is reported beside the others' results instead of hiding them.
 */
async function integrationChecks(
  config: Config,
  store: Store,
  logger: Logger,
  options: { sendTestTo?: string },
): Promise<ReadinessCheck[]> {
  const systems: { name: string; settings: string; check: () => Promise<ReadinessCheck[]> }[] = [
    {
      name: 'mail',
      settings: 'the SMTP_* / LIFELINE_MAIL_* settings',
      check: async () => {
        const { mailer, mail } = buildMail(config, logger);
        try {
          return await mailer.check({
            ...(options.sendTestTo && { sendTestTo: options.sendTestTo }),
            from: mail.from,
          });
        } finally {
          await mailer.close();
        }
      },
    },
    {
      name: 'tracker',
      settings: 'the GITLAB_* settings',
      check: () => buildTracker(config, store).tracker.check(),
    },
    {
      name: 'notice',
      settings: 'the SLACK_* settings',
      check: () => buildNotice(config).notice.check(),
    },
    {
      name: 'ticket desk',
      settings: 'the ZENDESK_* settings',
      check: () => buildTicketDesk(config).ticketDesk.check(),
    },
  ];
  const groups = await Promise.all(
    systems.map((system) =>
      system.check().catch((error: unknown): ReadinessCheck[] => [
        {
          name: system.name,
          ok: false,
          detail: message(error),
          fix: `fix ${system.settings} named above (see the README configuration reference)`,
        },
      ]),
    ),
  );
  return groups.flat();
}
