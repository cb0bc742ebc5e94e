import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';
import { AccessChangeRefused, hashToken } from './api-tokens.js';
import { isRole, type Principal, type Role } from './principal.js';

/** The credential a session was opened with: checked again on every call the session makes. */
export type SessionCredential =
  | { kind: 'token'; id: string; name: string }
  | { kind: 'user'; id: string; username: string; version: number };

/**
 * Console sessions: the cookie holds a random value, the database only its hash, so a copy of
 * the database cannot be used to sign in. Each session carries its own CSRF token.
 */
export async function openSession(
  db: Kysely<Database>,
  who: { person: string; role: Role; credential: SessionCredential; address: string },
  now: number,
  ttlMs: number,
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: number; publicId: string }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + ttlMs;
  const publicId = randomUUID();
  await db
    .insertInto('console_sessions')
    .values({
      id: hashToken(cookieValue),
      public_id: publicId,
      person: who.person,
      role: who.role,
      credential_kind: who.credential.kind,
      credential_id: who.credential.id,
      credential_version: who.credential.kind === 'user' ? who.credential.version : 1,
      csrf_token: csrfToken,
      address: who.address,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt, publicId };
}

export interface FoundSession {
  principal: Principal;
  csrfToken: string;
  publicId: string;
}

/**
 * The session behind a cookie, only while its credential still stands: the token not revoked
 * nor expired, the account not disabled, and neither changed since (a user's session version,
 * the role). One query joins both, so the check costs no extra round trip.
 */
export async function findSession(
  db: Kysely<Database>,
  cookieValue: string,
  now: number,
): Promise<FoundSession | undefined> {
  const row = await db
    .selectFrom('console_sessions as s')
    .leftJoin('api_tokens as t', (join) =>
      join.onRef('t.id', '=', 's.credential_id').on('s.credential_kind', '=', 'token'),
    )
    .leftJoin('console_users as u', (join) =>
      join.onRef('u.id', '=', 's.credential_id').on('s.credential_kind', '=', 'user'),
    )
    .select([
      's.public_id',
      's.person',
      's.role',
      's.credential_kind',
      's.credential_version',
      's.csrf_token',
      't.name as token_name',
      't.role as token_role',
      't.revoked_at as token_revoked_at',
      't.expires_at as token_expires_at',
      'u.username',
      'u.role as user_role',
      'u.disabled_at as user_disabled_at',
      'u.session_version as user_session_version',
    ])
    .where('s.id', '=', hashToken(cookieValue))
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  let credential: string;
  let tokenName: string | undefined;
  if (row.credential_kind === 'token') {
    const standing =
      row.token_name !== null &&
      row.token_revoked_at === null &&
      (row.token_expires_at === null || Number(row.token_expires_at) > now) &&
      row.token_role === row.role;
    if (!standing) return undefined;
    credential = `token ${row.token_name}`;
    tokenName = row.token_name ?? undefined;
  } else if (row.credential_kind === 'user') {
    const standing =
      row.username !== null &&
      row.user_disabled_at === null &&
      Number(row.user_session_version) === Number(row.credential_version) &&
      row.user_role === row.role;
    if (!standing) return undefined;
    credential = `user ${row.username}`;
  } else {
    return undefined;
  }
  return {
    principal: {
      kind: 'session',
      name: row.person,
      role: row.role,
      credential,
      ...(tokenName && { tokenName }),
    },
    csrfToken: row.csrf_token,
    publicId: row.public_id,
  };
}

export async function closeSession(
  db: Kysely<Database>,
  cookieValue: string,
  now: number,
): Promise<void> {
  await db.deleteFrom('console_sessions').where('id', '=', hashToken(cookieValue)).execute();
  await db.deleteFrom('console_sessions').where('expires_at', '<', now).execute();
}

export interface SessionView {
  id: string;
  person: string;
  role: string;
  credential: string;
  address: string | null;
  createdAt: string;
  expiresAt: string;
}

export async function listSessions(db: Kysely<Database>, now: number): Promise<SessionView[]> {
  const rows = await db
    .selectFrom('console_sessions as s')
    .leftJoin('api_tokens as t', (join) =>
      join.onRef('t.id', '=', 's.credential_id').on('s.credential_kind', '=', 'token'),
    )
    .leftJoin('console_users as u', (join) =>
      join.onRef('u.id', '=', 's.credential_id').on('s.credential_kind', '=', 'user'),
    )
    .select([
      's.public_id',
      's.person',
      's.role',
      's.credential_kind',
      's.address',
      's.created_at',
      's.expires_at',
      't.name as token_name',
      'u.username',
    ])
    .where('s.expires_at', '>', now)
    .orderBy('s.created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.public_id,
    person: row.person,
    role: row.role,
    credential:
      row.credential_kind === 'token'
        ? `token ${row.token_name ?? '?'}`
        : `user ${row.username ?? '?'}`,
    address: row.address,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    expiresAt: new Date(Number(row.expires_at)).toISOString(),
  }));
}

/** Ends one session by the id the admin API and `sessions list` show. */
export async function endSession(
  db: Kysely<Database>,
  publicId: string,
  now: number,
  audit?: AuditActor,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('console_sessions')
      .select(['person', 'credential_kind', 'credential_id'])
      .where('public_id', '=', publicId)
      .executeTakeFirst();
    if (!row) throw new AccessChangeRefused(`No session ${publicId}.`, 'not_found');
    await trx.deleteFrom('console_sessions').where('public_id', '=', publicId).execute();
    if (audit)
      await appendAudit(
        trx,
        audit,
        { action: 'session.ended', target: `session of ${row.person}`, details: { id: publicId } },
        now,
      );
  });
}
