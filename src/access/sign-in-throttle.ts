import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/**
 * Sign-in that resists guessing: failures are counted per account and per address in the
 * database (so every process shares the count), and once an account has 5 failures, or an
 * address 20, within 15 minutes, sign-in is refused until the window ends, even with the right
 * password. A success clears the account's count, not the address's (one right password must
 * not buy an address another 20 guesses at other accounts).
 *
 * The price: anyone can lock an account for 15 minutes by guessing at it. Its owner can still
 * sign in with an API token, and an admin can see the attempts in the audit log.
 */
export const signInThrottle = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const;

export function throttleKeys(address: string, account?: string) {
  return {
    address: `address:${address}`,
    ...(account !== undefined && { account: `account:${account.trim().toLowerCase()}` }),
  };
}

type Keys = ReturnType<typeof throttleKeys>;

/** Milliseconds until sign-in may be tried again, or 0 when it may be now. */
export async function signInWaitMs(db: Kysely<Database>, keys: Keys, now: number): Promise<number> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .selectAll()
    .where('key', 'in', [keys.address, ...(keys.account ? [keys.account] : [])])
    .where('window_start', '>', now - signInThrottle.windowMs)
    .execute();
  let wait = 0;
  for (const row of rows) {
    const limit = row.key === keys.account ? signInThrottle.perAccount : signInThrottle.perAddress;
    if (Number(row.failures) >= limit)
      wait = Math.max(wait, Number(row.window_start) + signInThrottle.windowMs - now);
  }
  return wait;
}

export async function recordSignInFailure(
  db: Kysely<Database>,
  keys: Keys,
  now: number,
): Promise<void> {
  const expired = now - signInThrottle.windowMs;
  for (const key of [keys.address, ...(keys.account ? [keys.account] : [])]) {
    await db
      .insertInto('sign_in_failures')
      .values({ key, window_start: now, failures: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when sign_in_failures.window_start <= ${expired} then 1 else sign_in_failures.failures + 1 end`,
          window_start: sql<number>`case when sign_in_failures.window_start <= ${expired} then ${now} else sign_in_failures.window_start end`,
        }),
      )
      .execute();
  }
}

export async function clearAccountFailures(db: Kysely<Database>, keys: Keys): Promise<void> {
  if (keys.account)
    await db.deleteFrom('sign_in_failures').where('key', '=', keys.account).execute();
}
