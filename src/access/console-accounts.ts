import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';
import { AccessChangeRefused } from './api-tokens.js';
import { passwordProblem } from './password-strength.js';
import { isRole, type Role } from './principal.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;
const params = { N: 16_384, r: 8, p: 1 };

/**
 * At most two scrypt computations at once per process. Each one takes ~50 ms of a libuv thread
 * and 16 MB; a flood of sign-in attempts would otherwise take all four libuv threads (which the
 * API's file and DNS work share) and the API's latency with them. Attempts beyond these wait
 * their turn, and the sign-in throttle stops a flood before it is long.
 */
const maxConcurrentHashes = 2;
let hashing = 0;
const waiting: Array<() => void> = [];

async function boundedScrypt(
  password: string,
  salt: Buffer,
  keylen: number,
  options: typeof params,
) {
  if (hashing >= maxConcurrentHashes) await new Promise<void>((resolve) => waiting.push(resolve));
  hashing += 1;
  try {
    return await scryptAsync(password, salt, keylen, options);
  } finally {
    hashing -= 1;
    waiting.shift()?.();
  }
}

/** Local console accounts: passwords hashed with scrypt (N=2^14, r=8, p=1), a fresh salt each. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await boundedScrypt(password, salt, 32, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await boundedScrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

export interface ConsoleUserView {
  id: string;
  username: string;
  role: string;
  source: string;
  createdAt: string;
  disabledAt: string | null;
}

/**
 * The service role names the person it acts for in each call (requestedBy): it is for an
 * integration's API token. A person signed in to the console with it could make requests in
 * anyone's name.
 */
function refuseServiceRole(role: Role): void {
  if (role === 'service')
    throw new AccessChangeRefused(
      'The service role is for an integration’s API token, not for a console account: give the account engineer, approver or admin.',
    );
}

export async function createConsoleUser(
  db: Kysely<Database>,
  username: string,
  password: string,
  role: Role,
  now: number,
  audit?: AuditActor,
): Promise<ConsoleUserView> {
  const name = username.trim();
  if (!name) throw new AccessChangeRefused('A console account needs a username.');
  refuseServiceRole(role);
  const problem = await passwordProblem(password, name);
  if (problem) throw new AccessChangeRefused(problem);
  const passwordHash = await hashPassword(password);
  const id = randomUUID();
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('console_users')
      .select('id')
      .where('username', '=', name)
      .executeTakeFirst();
    if (taken)
      throw new AccessChangeRefused(
        `A console account named "${name}" already exists; change it with users update.`,
        'conflict',
      );
    await trx
      .insertInto('console_users')
      .values({
        id,
        username: name,
        password_hash: passwordHash,
        role,
        created_at: now,
        disabled_at: null,
        session_version: 1,
        source: 'local',
      })
      .execute();
    if (audit)
      await appendAudit(
        trx,
        audit,
        { action: 'user.created', target: `user ${name}`, details: { id, role } },
        now,
      );
    return userView({
      id,
      username: name,
      role,
      source: 'local',
      created_at: now,
      disabled_at: null,
    });
  });
}

function userView(row: {
  id: string;
  username: string;
  role: string;
  source: string;
  created_at: number;
  disabled_at: number | null;
}): ConsoleUserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    source: row.source,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    disabledAt: row.disabled_at === null ? null : new Date(Number(row.disabled_at)).toISOString(),
  };
}

export async function listConsoleUsers(db: Kysely<Database>): Promise<ConsoleUserView[]> {
  const rows = await db
    .selectFrom('console_users')
    .select(['id', 'username', 'role', 'source', 'created_at', 'disabled_at'])
    .orderBy('username')
    .execute();
  return rows.map(userView);
}

async function findUser(trx: Kysely<Database>, idOrUsername: string) {
  const row = await trx
    .selectFrom('console_users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrUsername), eb('username', '=', idOrUsername)]))
    .executeTakeFirst();
  if (!row) throw new AccessChangeRefused(`No console account "${idOrUsername}".`, 'not_found');
  return row;
}

/** Ends every session the account opened: part of any change that takes access away. */
async function endUserSessions(trx: Kysely<Database>, userId: string): Promise<number> {
  const result = await trx
    .deleteFrom('console_sessions')
    .where('credential_kind', '=', 'user')
    .where('credential_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Changes an account's role or password (or both). Either change bumps the session version and
 * ends the account's sessions: whoever held one signs in again, with the new role.
 */
export async function updateConsoleUser(
  db: Kysely<Database>,
  idOrUsername: string,
  change: { role?: Role; password?: string },
  now: number,
  audit?: AuditActor,
): Promise<ConsoleUserView> {
  if (change.role === undefined && change.password === undefined)
    throw new AccessChangeRefused('Give a new role, a new password, or both.');
  if (change.role !== undefined) refuseServiceRole(change.role);
  if (change.password !== undefined) {
    const { username } = await findUser(db, idOrUsername);
    const problem = await passwordProblem(change.password, username);
    if (problem) throw new AccessChangeRefused(problem);
  }
  const passwordHash =
    change.password === undefined ? undefined : await hashPassword(change.password);
  return db.transaction().execute(async (trx) => {
    const row = await findUser(trx, idOrUsername);
    await trx
      .updateTable('console_users')
      .set({
        ...(change.role && { role: change.role }),
        ...(passwordHash && { password_hash: passwordHash }),
        session_version: Number(row.session_version) + 1,
      })
      .where('id', '=', row.id)
      .execute();
    const ended = await endUserSessions(trx, row.id);
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'user.changed',
          target: `user ${row.username}`,
          details: {
            id: row.id,
            ...(change.role && { role: { from: row.role, to: change.role } }),
            ...(passwordHash && { password: 'changed' }),
            sessionsEnded: ended,
          },
        },
        now,
      );
    return userView({ ...row, role: change.role ?? row.role });
  });
}

/** Disables an account (it can no longer sign in) and ends its sessions. */
export async function disableConsoleUser(
  db: Kysely<Database>,
  idOrUsername: string,
  now: number,
  audit?: AuditActor,
): Promise<ConsoleUserView> {
  return db.transaction().execute(async (trx) => {
    const row = await findUser(trx, idOrUsername);
    if (row.disabled_at !== null)
      throw new AccessChangeRefused(
        `The account "${row.username}" is already disabled.`,
        'conflict',
      );
    await trx
      .updateTable('console_users')
      .set({ disabled_at: now, session_version: Number(row.session_version) + 1 })
      .where('id', '=', row.id)
      .execute();
    const ended = await endUserSessions(trx, row.id);
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'user.disabled',
          target: `user ${row.username}`,
          details: { id: row.id, sessionsEnded: ended },
        },
        now,
      );
    return userView({ ...row, disabled_at: now });
  });
}

// Verifying against a dummy hash when the user does not exist keeps the answer time the same,
// so the login form does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

export interface SignedInUser {
  id: string;
  username: string;
  role: Role;
  sessionVersion: number;
}

export async function authenticateConsoleUser(
  db: Kysely<Database>,
  username: string,
  password: string,
): Promise<SignedInUser | undefined> {
  const row = await db
    .selectFrom('console_users')
    .select(['id', 'username', 'password_hash', 'role', 'disabled_at', 'session_version', 'source'])
    .where('username', '=', username)
    .executeTakeFirst();
  dummyHash ??= hashPassword(randomUUID());
  const usable = row && row.disabled_at === null && row.source === 'local' && row.password_hash;
  const ok = await verifyPassword(password, usable ? row.password_hash : await dummyHash);
  if (!row || !usable || !ok || !isRole(row.role)) return undefined;
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    sessionVersion: Number(row.session_version),
  };
}
