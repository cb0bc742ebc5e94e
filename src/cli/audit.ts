import type { Command } from 'commander';
import { auditEntriesSince, verifyAuditLog } from '../audit/audit-store.js';
import { fail, printJson, say } from './output.js';
import { withStore } from './with-store.js';

/** `lifeline audit …`: on the database directly, like `tokens` (no server needed). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('The tamper-evident audit log.');
  audit
    .command('verify')
    .description('check the hash chain; exit 1 naming the first entry that does not match')
    .option('--json', 'print {entries, head, broken?} as JSON')
    .action(async (options: { json?: boolean }) => {
      const result = await withStore((store) => verifyAuditLog(store.db));
      if (options.json) printJson(result);
      if (result.broken) {
        if (!options.json)
          say(
            `lifeline: audit entry ${result.broken.seq} does not match: ${result.broken.reason}.`,
          );
        process.exit(1);
      }
      if (!options.json)
        say(
          `The audit log is intact: ${result.entries} entries, the last is entry ${result.head.seq} with hash ${result.head.hash}.`,
        );
    });
  audit
    .command('export')
    .description('the entries as JSON lines on stdout, oldest first')
    .option('--since <date>', 'from this date (YYYY-MM-DD) or ISO date-time on', '1970-01-01')
    .action(async (options: { since: string }) => {
      const since = Date.parse(options.since);
      if (Number.isNaN(since)) fail('--since must be a date (YYYY-MM-DD) or an ISO date-time');
      await withStore(async (store) => {
        for await (const entry of auditEntriesSince(store.db, since)) {
          if (!process.stdout.write(`${JSON.stringify(entry)}\n`))
            await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      });
    });
}
