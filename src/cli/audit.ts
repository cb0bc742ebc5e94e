import type { Command } from 'commander';
import { auditEntriesSince, findPostedHead, verifyAuditLog } from '../audit/audit-store.js';
import { fail, printJson, say } from './output.js';
import { withStore } from './with-store.js';
import { cli } from './io.js';

/** `lifeline audit …`: on the database directly, like `tokens` (no server needed). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log.');
  audit
    .command('verify')
    .description('check the hash chain; exit 1 naming the first entry that does not match')
    .option('--json', 'print {entries, head, broken?, posted?} as JSON')
    .option(
      '--head <SEQ:HASH>',
      'also check that a head posted to the channel (entry number and hash, or the hash alone) is still in the chain',
    )
    .action(async (options: { json?: boolean; head?: string }) => {
      const posted = options.head === undefined ? undefined : parsePostedHead(options.head);
      const result = await withStore(
        async (store) => {
          const verified = await verifyAuditLog(store.db);
          if (verified.broken || !posted) return verified;
          const found = await findPostedHead(store.db, posted);
          return { ...verified, posted: { ...posted, ...found } };
        },
        { existing: true },
      );
      if (options.json) printJson(result);
      if ('posted' in result && 'mismatch' in result.posted) {
        if (!options.json)
          say(`lifeline: the posted head does not match: ${result.posted.mismatch}.`);
        cli().exit(1);
      }
      if (result.broken) {
        if (!options.json)
          say(
            `lifeline: audit entry ${result.broken.seq} does not match: ${result.broken.reason}.`,
          );
        cli().exit(1);
      }
      if (!options.json)
        say(
          `The audit log is intact: ${result.entries} entries, the last is entry ${result.head.seq} with hash ${result.head.hash}.${'posted' in result ? ` The posted head (entry ${result.posted.seq}) is part of it: nothing up to it was changed.` : ''}`,
        );
    });
  audit
    .command('export')
    .description('the entries as JSON lines on stdout, oldest first')
    .option('--since <date>', 'from this date (YYYY-MM-DD) or ISO date-time on', '1970-01-01')
    .action(async (options: { since: string }) => {
      const since = Date.parse(options.since);
      if (Number.isNaN(since)) fail('--since must be a date (YYYY-MM-DD) or an ISO date-time');
      await withStore(
        async (store) => {
          for await (const entry of auditEntriesSince(store.db, since)) {
            if (!cli().stdout.write(`${JSON.stringify(entry)}\n`))
              await new Promise((resolve) => cli().stdout.once('drain', resolve));
          }
        },
        { existing: true },
      );
    });
}

function parsePostedHead(text: string): { seq?: number; hash: string } {
  const match = /^(?:(\d+):)?([0-9a-f]{64})$/i.exec(text.trim());
  if (!match?.[2]) {
    fail(
      '--head must be the hash the channel showed (64 hex digits), optionally after its entry number: SEQ:HASH',
    );
  }
  return {
    ...(match[1] !== undefined && { seq: Number(match[1]) }),
    hash: match[2].toLowerCase(),
  };
}
