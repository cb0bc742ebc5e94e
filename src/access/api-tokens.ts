import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { storageFailureCode } from '../store/storage-failure.js';
import type { Principal, Role } from './principal.js';

const prefix = 'llt_';

/**
 * API tokens: 32 random bytes, shown once, stored only as a SHA-256 hash. A token this long
 * cannot be guessed, so a fast hash is enough (a slow one would only slow every API call).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(
  db: Kysely<Database>,
  name: string,
  role: Role,
  now: number,
): Promise<{ id: string; token: string }> {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      name,
      role,
      token_hash: hashToken(token),
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, token };
}

export async function principalForToken(
  db: Kysely<Database>,
  token: string,
  now: number,
): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  // Touch at most once a minute: a write per call would make every read a write. The condition
  // is repeated in the UPDATE so that, of many calls arriving at once (in any process), one
  // writes and the others, having waited for its row lock, find nothing left to do.
  if (row.last_used_at === null || now - Number(row.last_used_at) > 60_000) {
    try {
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - 60_000)]),
        )
        .execute();
    } catch (error) {
      // With the disk full, a missed touch must not refuse the call: it is only a hint.
      if (!storageFailureCode(error)) throw error;
    }
  }
  return { kind: 'token', name: row.name, role: row.role === 'admin' ? 'admin' : 'engineer' };
}

export async function listApiTokens(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
}

export async function revokeApiToken(
  db: Kysely<Database>,
  idOrName: string,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
