import type { Command } from 'commander';
import { createApiToken, listApiTokens, revokeApiToken } from '../access/api-tokens.js';
import { createConsoleUser } from '../access/console-accounts.js';
import { roles, type Role } from '../access/principal.js';
import { fail, printJson, say } from './output.js';
import { withStore } from './with-store.js';

function roleOption(value: string): Role {
  if (!roles.includes(value as Role)) fail(`--role must be one of ${roles.join(', ')}`);
  return value as Role;
}

/**
 * Access, managed on the data directory (or DATABASE_URL) directly: no server needed, so the
 * first token can be made before anything runs.
 */
export function registerAccessCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('API tokens (shown once, stored as a hash).');
  tokens
    .command('create')
    .requiredOption('--name <name>', 'who or what uses it, e.g. an engineer or "zendesk-bridge"')
    .option('--role <role>', 'engineer or admin', 'engineer')
    .option('--json', 'print {id, name, role, token} as JSON')
    .action(async (options: { name: string; role: string; json?: boolean }) => {
      const role = roleOption(options.role);
      const created = await withStore((store) =>
        createApiToken(store.db, options.name, role, Date.now()),
      );
      if (options.json)
        printJson({ id: created.id, name: options.name, role, token: created.token });
      else {
        say(`Token for ${options.name} (${role}); it is shown only this once:`);
        process.stdout.write(`${created.token}\n`);
      }
    });
  tokens
    .command('list')
    .option('--json', 'as JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await withStore((store) => listApiTokens(store.db));
      const view = rows.map((row) => ({
        id: row.id,
        name: row.name,
        role: row.role,
        createdAt: new Date(Number(row.created_at)).toISOString(),
        lastUsedAt:
          row.last_used_at === null ? null : new Date(Number(row.last_used_at)).toISOString(),
        revoked: row.revoked_at !== null,
      }));
      if (options.json) printJson(view);
      else
        for (const t of view)
          process.stdout.write(
            `${t.id}  ${t.name}  ${t.role}${t.revoked ? '  (revoked)' : ''}  last used ${t.lastUsedAt ?? 'never'}\n`,
          );
    });
  tokens.command('revoke <idOrName>').action(async (idOrName: string) => {
    const count = await withStore((store) => revokeApiToken(store.db, idOrName, Date.now()));
    if (count === 0) fail(`no active token with id or name ${idOrName}`);
    say(`Revoked ${count} token${count === 1 ? '' : 's'}.`);
  });

  const users = program.command('users').description('Local console accounts (password sign-in).');
  users
    .command('create')
    .requiredOption('--username <username>')
    .option('--role <role>', 'engineer or admin', 'engineer')
    .option('--password-stdin', 'read the password from stdin (else LIFELINE_NEW_PASSWORD)')
    .action(async (options: { username: string; role: string; passwordStdin?: boolean }) => {
      const role = roleOption(options.role);
      const password = options.passwordStdin
        ? (await readStdin()).trim()
        : process.env.LIFELINE_NEW_PASSWORD;
      if (!password || password.length < 10)
        fail(
          'the password must be at least 10 characters (stdin with --password-stdin, or LIFELINE_NEW_PASSWORD)',
        );
      await withStore((store) =>
        createConsoleUser(store.db, options.username, password, role, Date.now()),
      );
      say(`Console account ${options.username} (${role}) is ready.`);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
