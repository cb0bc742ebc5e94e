import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { hashToken } from './api-tokens.js';
import type { Principal, Role } from './principal.js';

/**
 * Console sessions: the cookie holds a random value, the database only its hash, so a copy of
 * the database cannot be used to sign in. Each session carries its own CSRF token.
 */
export async function openSession(
  db: Kysely<Database>,
  principal: { name: string; role: Role },
  now: number,
  ttlMs: number,
): Promise<{ cookieValue: string; csrfToken: string; expiresAt: number }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + ttlMs;
  await db
    .insertInto('console_sessions')
    .values({
      id: hashToken(cookieValue),
      principal: principal.name,
      role: principal.role,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
    })
    .execute();
  return { cookieValue, csrfToken, expiresAt };
}

export async function findSession(
  db: Kysely<Database>,
  cookieValue: string,
  now: number,
): Promise<{ principal: Principal; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('console_sessions')
    .selectAll()
    .where('id', '=', hashToken(cookieValue))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    principal: {
      kind: 'session',
      name: row.principal,
      role: row.role === 'admin' ? 'admin' : 'engineer',
    },
    csrfToken: row.csrf_token,
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
