import { userInfo } from 'node:os';
import type { Command } from 'commander';
import {
  AccessChangeRefused,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from '../access/api-tokens.js';
import {
  createConsoleUser,
  disableConsoleUser,
  listConsoleUsers,
  updateConsoleUser,
} from '../access/console-accounts.js';
import { endSession, listSessions } from '../access/console-sessions.js';
import { roles, type Role } from '../access/principal.js';
import type { AuditActor } from '../audit/audit-entry.js';
import { fail, printJson, say } from './output.js';
import { withStore } from './with-store.js';
import { cli } from './io.js';

function roleOption(value: string): Role {
  if (!roles.includes(value as Role)) fail(`--role must be one of ${roles.join(', ')}`);
  return value as Role;
}

const roleHelp = `${roles.join(', ')}`;

/**
 * The CLI works on the database itself, so whoever runs it is whoever can reach the database:
 * the audit log records the operating-system user as an operator at `local`.
 */
export function cliActor(): AuditActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no user name in this environment (a container without /etc/passwd entry)
  }
  return { actor: `${name} (CLI)`, role: 'operator', address: 'local' };
}

/** Runs an access change, turning a refusal into the CLI's one-line failure. */
async function change<T>(work: Parameters<typeof withStore<T>>[0]): Promise<T> {
  return withStore(async (store) => {
    try {
      return await work(store);
    } catch (error) {
      if (error instanceof AccessChangeRefused) fail(error.message);
      throw error;
    }
  });
}

/**
 * `change`, with the database it wrote named: run from another folder, the CLI finds another
 * data directory (./data by default), and what it makes there the running service never sees.
 */
function changeIn<T>(
  work: Parameters<typeof withStore<T>>[0],
): Promise<{ result: T; database: string }> {
  return change(async (store) => ({ result: await work(store), database: store.description }));
}

function parseExpiry(options: { expiresInDays?: string; expiresAt?: string }): number | undefined {
  if (options.expiresInDays !== undefined) {
    const days = Number(options.expiresInDays);
    if (!Number.isInteger(days) || days < 1)
      fail('--expires-in-days must be a whole number of days, at least 1');
    return Date.now() + days * 86_400_000;
  }
  if (options.expiresAt !== undefined) {
    const at = Date.parse(options.expiresAt);
    if (Number.isNaN(at)) fail('--expires-at must be a date (YYYY-MM-DD) or an ISO date-time');
    return at;
  }
  return undefined;
}

async function readPassword(passwordStdin: boolean | undefined): Promise<string> {
  const password = passwordStdin
    ? (await readStdin()).replace(/\r?\n$/, '')
    : cli().env.LIFELINE_NEW_PASSWORD;
  if (!password)
    fail('give the password on stdin with --password-stdin, or in LIFELINE_NEW_PASSWORD');
  return password;
}

/**
 * Access, managed on the data directory (or DATABASE_URL) directly: no server needed, so the
 * first token can be made before anything runs. Every change is in the audit log.
 */
export function registerAccessCommands(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('API tokens (shown once, stored as a hash).');
  tokens
    .command('create')
    .requiredOption(
      '--name <name>',
      'a unique name: who or what uses it, e.g. "sam-laptop" or "zendesk-bridge"',
    )
    .option('--owner <person>', 'the person it acts as (default: the name)')
    .option('--role <role>', roleHelp, 'engineer')
    .option('--expires-in-days <n>', 'stop working after this many days')
    .option('--expires-at <date>', 'stop working at this date or date-time')
    .option('--json', 'print {id, name, owner, role, expiresAt, token} as JSON')
    .action(
      async (options: {
        name: string;
        owner?: string;
        role: string;
        expiresInDays?: string;
        expiresAt?: string;
        json?: boolean;
      }) => {
        const role = roleOption(options.role);
        const expiresAt = parseExpiry(options);
        const { result: created, database } = await changeIn((store) =>
          createApiToken(
            store.db,
            {
              name: options.name,
              role,
              ...(options.owner && { owner: options.owner }),
              ...(expiresAt && { expiresAt }),
            },
            Date.now(),
            cliActor(),
          ),
        );
        const expires = expiresAt ? new Date(expiresAt).toISOString() : null;
        if (options.json)
          printJson({
            id: created.id,
            name: created.name,
            owner: created.owner,
            role,
            expiresAt: expires,
            token: created.token,
          });
        else {
          say(
            `Token ${created.name} for ${created.owner} (${role}${expires ? `, until ${expires}` : ''}), in ${database}; it is shown only this once:`,
          );
          cli().stdout.write(`${created.token}\n`);
        }
      },
    );
  tokens
    .command('list')
    .option('--json', 'as JSON')
    .action(async (options: { json?: boolean }) => {
      const view = await withStore((store) => listApiTokens(store.db), { existing: true });
      if (options.json) printJson(view);
      else
        for (const t of view)
          cli().stdout.write(
            `${t.id}  ${t.name}  ${t.owner}  ${t.role}${t.revokedAt ? '  (revoked)' : ''}${t.expiresAt ? `  expires ${t.expiresAt}` : ''}  last used ${t.lastUsedAt ?? 'never'}\n`,
          );
    });
  tokens
    .command('revoke <idOrName>')
    .description('revoke one token, by id or by its unique name; its console sessions end')
    .option('--json', 'print {id, name, revoked} as JSON')
    .action(async (idOrName: string, options: { json?: boolean }) => {
      const revoked = await change((store) =>
        revokeApiToken(store.db, idOrName, Date.now(), cliActor()),
      );
      if (options.json) printJson({ id: revoked.id, name: revoked.name, revoked: true });
      else say(`Revoked token ${revoked.name} (${revoked.id}); its console sessions ended.`);
    });

  const users = program.command('users').description('Local console accounts (password sign-in).');
  users
    .command('create')
    .requiredOption('--username <username>')
    .option('--role <role>', roleHelp, 'engineer')
    .option('--password-stdin', 'read the password from stdin (else LIFELINE_NEW_PASSWORD)')
    .option('--json', 'print {username, role} as JSON')
    .action(
      async (options: {
        username: string;
        role: string;
        passwordStdin?: boolean;
        json?: boolean;
      }) => {
        const role = roleOption(options.role);
        const password = await readPassword(options.passwordStdin);
        const { database } = await changeIn((store) =>
          createConsoleUser(store.db, options.username, password, role, Date.now(), cliActor()),
        );
        if (options.json) printJson({ username: options.username, role });
        else say(`Console account ${options.username} (${role}) is ready, in ${database}.`);
      },
    );
  users
    .command('list')
    .option('--json', 'as JSON')
    .action(async (options: { json?: boolean }) => {
      const view = await withStore((store) => listConsoleUsers(store.db), { existing: true });
      if (options.json) printJson(view);
      else
        for (const u of view)
          cli().stdout.write(
            `${u.id}  ${u.username}  ${u.role}  ${u.source}${u.disabledAt ? '  (disabled)' : ''}\n`,
          );
    });
  users
    .command('update <idOrUsername>')
    .description("change an account's role or password; its console sessions end")
    .option('--role <role>', roleHelp)
    .option('--password-stdin', 'read the new password from stdin')
    .option('--json', 'print {username, role, sessionsEnded} as JSON')
    .action(
      async (who: string, options: { role?: string; passwordStdin?: boolean; json?: boolean }) => {
        const role = options.role === undefined ? undefined : roleOption(options.role);
        const password = options.passwordStdin ? await readPassword(true) : undefined;
        if (!role && !password) fail('give --role, --password-stdin, or both');
        const user = await change((store) =>
          updateConsoleUser(
            store.db,
            who,
            { ...(role && { role }), ...(password && { password }) },
            Date.now(),
            cliActor(),
          ),
        );
        if (options.json)
          printJson({ username: user.username, role: user.role, sessionsEnded: true });
        else say(`Console account ${user.username} changed (${user.role}); its sessions ended.`);
      },
    );
  users
    .command('disable <idOrUsername>')
    .description('disable an account; its console sessions end')
    .option('--json', 'print {username, disabled} as JSON')
    .action(async (who: string, options: { json?: boolean }) => {
      const user = await change((store) =>
        disableConsoleUser(store.db, who, Date.now(), cliActor()),
      );
      if (options.json) printJson({ username: user.username, disabled: true });
      else say(`Console account ${user.username} is disabled; its sessions ended.`);
    });

  const sessions = program.command('sessions').description('Open console sessions.');
  sessions
    .command('list')
    .option('--json', 'as JSON')
    .action(async (options: { json?: boolean }) => {
      const view = await withStore((store) => listSessions(store.db, Date.now()), {
        existing: true,
      });
      if (options.json) printJson(view);
      else
        for (const s of view)
          cli().stdout.write(
            `${s.id}  ${s.person}  ${s.role}  ${s.credential}  from ${s.address ?? '?'}  until ${s.expiresAt}\n`,
          );
    });
  sessions
    .command('revoke <id>')
    .description('end one session (its id from sessions list)')
    .option('--json', 'print {id, ended} as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await change((store) => endSession(store.db, id, Date.now(), cliActor()));
      if (options.json) printJson({ id, ended: true });
      else say(`Session ${id} ended.`);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of cli().stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
