/**
 * Random bytes for AES keys and IVs, drawn from a pool that is refilled from the system CSPRNG
 * in one call per 256 licenses. A `randomBytes(32)` call per license costs as much as all the
 * JSON work of a license together; Node's own `randomUUID` pools its entropy the same way.
 * Every byte is handed out once, and copied out so that a refill cannot change a key in use.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8192;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

export function takeRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Wipe what was handed out, so the pool never holds a key that is in use elsewhere.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
