import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Role } from './principal.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;
const params = { N: 16_384, r: 8, p: 1 };

/** Local console accounts: passwords hashed with scrypt (N=2^14, r=8, p=1), a fresh salt each. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

export async function createConsoleUser(
  db: Kysely<Database>,
  username: string,
  password: string,
  role: Role,
  now: number,
): Promise<void> {
  await db
    .insertInto('console_users')
    .values({
      id: randomUUID(),
      username,
      password_hash: await hashPassword(password),
      role,
      created_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('username')
        .doUpdateSet({ password_hash: (eb) => eb.ref('excluded.password_hash'), role }),
    )
    .execute();
}

// Verifying against a dummy hash when the user does not exist keeps the answer time the same,
// so the login form does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

export async function authenticateConsoleUser(
  db: Kysely<Database>,
  username: string,
  password: string,
): Promise<{ username: string; role: Role } | undefined> {
  const row = await db
    .selectFrom('console_users')
    .select(['username', 'password_hash', 'role'])
    .where('username', '=', username)
    .executeTakeFirst();
  dummyHash ??= hashPassword(randomUUID());
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash));
  if (!row || !ok) return undefined;
  return { username: row.username, role: row.role === 'admin' ? 'admin' : 'engineer' };
}
