import { personNameProblem } from './person-name.js';
import { Refusal } from '../refusal.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { AuditActor } from '../audit/audit-entry.js';
import type { Database } from '../store/schema.js';
import { storageFailureCode } from '../store/storage-failure.js';
import { isRole, type Principal, type Role } from './principal.js';

const prefix = 'llt_';

/**
 * API tokens: 32 random bytes, shown once, stored only as a SHA-256 hash. A token this long
 * cannot be guessed, so a fast hash is enough (a slow one would only slow every API call).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A refusal a person can act on: a duplicate or empty name, an ambiguous revoke. */
export class AccessChangeRefused extends Refusal {
  override readonly name = 'AccessChangeRefused';
  constructor(
    message: string,
    readonly kind: 'conflict' | 'invalid' | 'not_found' = 'invalid',
  ) {
    super(accessChangeCodes[kind], message);
  }
}

const accessChangeCodes = {
  conflict: 'CONFLICT',
  invalid: 'VALIDATION_FAILED',
  not_found: 'NOT_FOUND',
} as const;

export interface NewApiToken {
  /** Unique, not empty: what the token is named by in lists, revocations and the audit log. */
  name: string;
  /** The person it acts as; default: the name. */
  owner?: string;
  role: Role;
  /** Epoch ms after which it no longer works. */
  expiresAt?: number;
}

export async function createApiToken(
  db: Kysely<Database>,
  input: NewApiToken,
  now: number,
  audit?: AuditActor,
): Promise<{ id: string; token: string; name: string; owner: string }> {
  const name = input.name.trim();
  const owner = input.owner?.trim() || name;
  if (!name) throw new AccessChangeRefused('A token needs a name (who or what uses it).');
  if (name.length > 120) throw new AccessChangeRefused('A token name is at most 120 characters.');
  // The name and the owner are shown in lists and the audit log, and the owner is the person an
  // approval compares: nothing in them may hide from a reader.
  for (const [what, text] of [
    ['name', name],
    ['owner', owner],
  ] as const) {
    const problem = personNameProblem(text.normalize('NFKC'));
    if (problem)
      throw new AccessChangeRefused(`A token ${what} must be plain text: it ${problem}.`);
  }
  if (input.expiresAt !== undefined && input.expiresAt <= now)
    throw new AccessChangeRefused('The expiry must be in the future.');
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  return db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at'])
      .where('name', '=', name)
      .executeTakeFirst();
    // A revoked token keeps its name, so the audit log's entries under it stay its own.
    if (taken)
      throw new AccessChangeRefused(
        taken.revoked_at === null
          ? `A token named "${name}" already exists (${taken.id}); choose another name.`
          : `A token named "${name}" existed and was revoked (${taken.id}); a name is never reused, so the audit log's entries under it stay that token's: choose another name.`,
        'conflict',
      );
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        name,
        owner,
        role: input.role,
        token_hash: hashToken(token),
        created_at: now,
        last_used_at: null,
        revoked_at: null,
        expires_at: input.expiresAt ?? null,
      })
      .execute();
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'token.created',
          target: `token ${name}`,
          details: {
            id,
            owner,
            role: input.role,
            expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
          },
        },
        now,
      );
    return { id, token, name, owner };
  });
}

/** The live token row behind a secret, or undefined when unknown, revoked or expired. */
export async function activeToken(db: Kysely<Database>, token: string, now: number) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'owner', 'role', 'last_used_at', 'expires_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || !isRole(row.role)) return undefined;
  if (row.expires_at !== null && Number(row.expires_at) <= now) return undefined;
  return { ...row, role: row.role };
}

export function tokenPrincipal(row: { name: string; owner: string; role: Role }): Principal {
  return {
    kind: 'token',
    name: row.owner || row.name,
    role: row.role,
    credential: `token ${row.name}`,
    tokenName: row.name,
  };
}

export async function principalForToken(
  db: Kysely<Database>,
  token: string,
  now: number,
): Promise<Principal | undefined> {
  const row = await activeToken(db, token, now);
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
  return tokenPrincipal(row);
}

export interface ApiTokenView {
  id: string;
  name: string;
  owner: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export async function listApiTokens(db: Kysely<Database>): Promise<ApiTokenView[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select([
      'id',
      'name',
      'owner',
      'role',
      'created_at',
      'last_used_at',
      'revoked_at',
      'expires_at',
    ])
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    owner: row.owner,
    role: row.role,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  }));
}

/**
 * Revokes one token, named by its id or by its name when that name is unique, and ends the
 * console sessions opened with it in the same transaction.
 */
export async function revokeApiToken(
  db: Kysely<Database>,
  idOrName: string,
  now: number,
  audit?: AuditActor,
): Promise<{ id: string; name: string }> {
  return db.transaction().execute(async (trx) => {
    const byId = await trx
      .selectFrom('api_tokens')
      .select(['id', 'name', 'revoked_at'])
      .where('id', '=', idOrName)
      .execute();
    const matches =
      byId.length > 0
        ? byId
        : await trx
            .selectFrom('api_tokens')
            .select(['id', 'name', 'revoked_at'])
            .where('name', '=', idOrName)
            .execute();
    if (matches.length > 1)
      throw new AccessChangeRefused(
        `${matches.length} tokens are named "${idOrName}" (${matches.map((m) => m.id).join(', ')}); revoke one by its id.`,
        'conflict',
      );
    const match = matches[0];
    if (!match || match.revoked_at !== null)
      throw new AccessChangeRefused(`No active token with id or name "${idOrName}".`, 'not_found');
    await trx
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', match.id)
      .execute();
    const ended = await trx
      .deleteFrom('console_sessions')
      .where('credential_kind', '=', 'token')
      .where('credential_id', '=', match.id)
      .executeTakeFirst();
    if (audit)
      await appendAudit(
        trx,
        audit,
        {
          action: 'token.revoked',
          target: `token ${match.name}`,
          details: { id: match.id, sessionsEnded: Number(ended.numDeletedRows) },
        },
        now,
      );
    return { id: match.id, name: match.name };
  });
}
