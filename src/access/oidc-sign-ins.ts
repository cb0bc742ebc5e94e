import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { hashToken } from './api-tokens.js';

/** A sign-in must come back within this long; the provider's own login usually takes seconds. */
export const signInWindowMs = 10 * 60_000;

/**
 * Keeps a started sign-in (state, nonce, PKCE verifier) in the database, where every process
 * sees it, bound to the browser that started it by a cookie only that browser holds.
 */
export async function savePendingSignIn(
  db: Kysely<Database>,
  pending: { state: string; browserSecret: string; nonce: string; codeVerifier: string },
  now: number,
): Promise<void> {
  await db.deleteFrom('oidc_sign_ins').where('expires_at', '<=', now).execute();
  await db
    .insertInto('oidc_sign_ins')
    .values({
      state_hash: hashToken(pending.state),
      browser_hash: hashToken(pending.browserSecret),
      nonce: pending.nonce,
      code_verifier: pending.codeVerifier,
      created_at: now,
      expires_at: now + signInWindowMs,
    })
    .execute();
}

export type PendingSignInProblem =
  'missing state' | 'unknown or used state' | 'expired' | 'another browser';

/**
 * Takes (and so uses up) the sign-in the state names. Taken even when the browser does not
 * match: a state that leaked is spent by the first try with it.
 */
export async function takePendingSignIn(
  db: Kysely<Database>,
  state: string | undefined,
  browserSecret: string | undefined,
  now: number,
): Promise<{ nonce: string; codeVerifier: string; state: string } | PendingSignInProblem> {
  if (!state) return 'missing state';
  const row = await db
    .deleteFrom('oidc_sign_ins')
    .where('state_hash', '=', hashToken(state))
    .returningAll()
    .executeTakeFirst();
  if (!row) return 'unknown or used state';
  if (Number(row.expires_at) <= now) return 'expired';
  if (!browserSecret || hashToken(browserSecret) !== row.browser_hash) return 'another browser';
  return { nonce: row.nonce, codeVerifier: row.code_verifier, state };
}
