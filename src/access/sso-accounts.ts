import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-store.js';
import type { Database } from '../store/schema.js';
import { openSession } from './console-sessions.js';
import type { OidcIdentity } from './oidc-client.js';
import type { SsoRole } from './oidc-settings.js';

export type SsoSignIn =
  | {
      ok: true;
      person: string;
      role: SsoRole;
      session: { cookieValue: string; expiresAt: number; publicId: string };
    }
  | { ok: false; reason: 'no mapped role' | 'account disabled'; sessionsEnded: number };

/**
 * A person the identity provider vouched for: their console account (keyed by issuer and
 * subject, made at the first sign-in) takes the role their claim maps to at this sign-in, and a
 * session is opened for it. A role that changed ends the account's older sessions; no mapped
 * role refuses the sign-in and ends them too, so someone taken out of the group keeps nothing
 * past their next attempt. One transaction: account, sessions and audit entries stand together.
 */
export async function signInWithIdentity(
  db: Kysely<Database>,
  identity: OidcIdentity,
  role: SsoRole | undefined,
  address: string,
  now: number,
  ttlMs: number,
): Promise<SsoSignIn> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('console_users')
      .selectAll()
      .where('oidc_issuer', '=', identity.issuer)
      .where('oidc_subject', '=', identity.subject)
      .executeTakeFirst();
    const who = { actor: existing?.username ?? identity.name, address };
    const sso = { with: 'sso', issuer: identity.issuer, subject: identity.subject };

    if (!role || existing?.disabled_at != null) {
      const reason = !role ? ('no mapped role' as const) : ('account disabled' as const);
      let sessionsEnded = 0;
      if (existing) {
        sessionsEnded = await endSessionsOf(trx, existing.id);
        if (sessionsEnded > 0 || !role)
          await trx
            .updateTable('console_users')
            .set({ session_version: Number(existing.session_version) + 1 })
            .where('id', '=', existing.id)
            .execute();
      }
      await appendAudit(
        trx,
        { ...who, role: 'none' },
        {
          action: 'session.sign_in_failed',
          target: 'console',
          details: { ...sso, reason, sessionsEnded },
        },
        now,
      );
      return { ok: false, reason, sessionsEnded };
    }

    let user: { id: string; username: string; version: number };
    if (!existing) {
      const username = await freeUsername(trx, identity);
      user = { id: randomUUID(), username, version: 1 };
      await trx
        .insertInto('console_users')
        .values({
          id: user.id,
          username,
          password_hash: '',
          role,
          created_at: now,
          disabled_at: null,
          session_version: 1,
          source: 'oidc',
          oidc_issuer: identity.issuer,
          oidc_subject: identity.subject,
        })
        .execute();
      await appendAudit(
        trx,
        { actor: username, role, address },
        {
          action: 'user.created',
          target: `user ${username}`,
          details: { id: user.id, role, ...sso },
        },
        now,
      );
    } else if (existing.role !== role) {
      user = {
        id: existing.id,
        username: existing.username,
        version: Number(existing.session_version) + 1,
      };
      await trx
        .updateTable('console_users')
        .set({ role, session_version: user.version })
        .where('id', '=', existing.id)
        .execute();
      const sessionsEnded = await endSessionsOf(trx, existing.id);
      await appendAudit(
        trx,
        { actor: existing.username, role, address },
        {
          action: 'user.changed',
          target: `user ${existing.username}`,
          details: {
            id: existing.id,
            role: { from: existing.role, to: role },
            sessionsEnded,
            ...sso,
          },
        },
        now,
      );
    } else {
      user = {
        id: existing.id,
        username: existing.username,
        version: Number(existing.session_version),
      };
    }

    const session = await openSession(
      trx,
      {
        person: user.username,
        role,
        credential: { kind: 'user', id: user.id, username: user.username, version: user.version },
        address,
      },
      now,
      ttlMs,
    );
    await appendAudit(
      trx,
      { actor: user.username, role, address },
      {
        action: 'session.signed_in',
        target: 'console',
        details: { ...sso, session: session.publicId },
      },
      now,
    );
    return { ok: true, person: user.username, role, session };
  });
}

async function endSessionsOf(trx: Kysely<Database>, userId: string): Promise<number> {
  const result = await trx
    .deleteFrom('console_sessions')
    .where('credential_kind', '=', 'user')
    .where('credential_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The name the provider gives, unless a local account (or another provider's person) has it:
 * a name never makes two people one, so the clash gets the subject appended.
 */
async function freeUsername(trx: Kysely<Database>, identity: OidcIdentity): Promise<string> {
  for (const candidate of [identity.name, `${identity.name} (${identity.subject})`]) {
    const taken = await trx
      .selectFrom('console_users')
      .select('id')
      .where('username', '=', candidate)
      .executeTakeFirst();
    if (!taken) return candidate;
  }
  return `${identity.name} (${randomUUID()})`;
}
