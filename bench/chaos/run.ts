/**
 * `npm run chaos -- --seed N [--requests N] [--duration SECONDS | --short] [--database URL | --sqlite]`
 *
 * Runs the chaos run (chaos.ts) and prints its figures as one JSON line, last:
 * {"requests","lost","duplicateLicenses","duplicateEmails","emailsAfterCrash","emailsAfterLostAnswer","duplicateNotices",
 * "noticesAfterCrash","duplicateNotes","notesAfterCrash","unfinished","seconds"},
 * then "approvedAfterRecovery" (requests held while Zendesk was unreachable, approved afterwards).
 * Exits 1 when anything was lost, duplicated or left unfinished. `--database` (or
 * LIFELINE_TEST_DATABASE_URL) names a PostgreSQL server a fresh database is made on and dropped
 * afterwards; without it (or with `--sqlite`) the run is on SQLite. `--short`: 40 requests over
 * 20 s (CI); the default is 300 requests over 120 s. What happened is told on stderr.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    requests: { type: 'string' },
    duration: { type: 'string' },
    short: { type: 'boolean', default: false },
    database: { type: 'string' },
    sqlite: { type: 'boolean', default: false },
    'skew-on-sqlite': { type: 'boolean', default: false },
  },
  strict: true,
});

const whole = (name: string, text: string | undefined, fallback: number) => {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a whole number of at least 1, not ${text}\n`);
    process.exit(2);
  }
  return value;
};

const seed = whole('seed', values.seed, 1);
const requests = whole('requests', values.requests, values.short ? 40 : 300);
const durationSeconds = whole('duration', values.duration, values.short ? 20 : 120);
const adminDatabaseUrl = values.sqlite
  ? undefined
  : (values.database ?? process.env.LIFELINE_TEST_DATABASE_URL);

const result = await runChaos({
  seed,
  requests,
  durationMs: durationSeconds * 1000,
  skewOnSqlite: values['skew-on-sqlite'],
  ...(adminDatabaseUrl && { adminDatabaseUrl }),
  log: (line) => process.stderr.write(`${line}\n`),
});
for (const problem of result.problems.slice(0, 50)) process.stderr.write(`${problem}\n`);
const { figures } = result;
process.stdout.write(
  `${JSON.stringify({
    requests: figures.requests,
    lost: figures.lost,
    duplicateLicenses: figures.duplicateLicenses,
    duplicateEmails: figures.duplicateEmails,
    emailsAfterCrash: figures.emailsAfterCrash,
    emailsAfterLostAnswer: figures.emailsAfterLostAnswer,
    duplicateNotices: figures.duplicateNotices,
    noticesAfterCrash: figures.noticesAfterCrash,
    duplicateNotes: figures.duplicateNotes,
    notesAfterCrash: figures.notesAfterCrash,
    unfinished: figures.unfinished,
    seconds: figures.seconds,
    approvedAfterRecovery: figures.approvedAfterRecovery,
  })}\n`,
);
const failed =
  figures.lost +
    figures.duplicateLicenses +
    figures.duplicateEmails +
    figures.duplicateNotices +
    figures.duplicateNotes +
    figures.unfinished >
  0;
process.exit(failed ? 1 : 0);
