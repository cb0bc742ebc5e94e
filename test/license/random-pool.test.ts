import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { takeRandomBytes } from '../../src/license/random-pool.js';

describe('takeRandomBytes', () => {
  it('hands out bytes of the size asked, never the same twice, across pool refills', () => {
    const seen = new Set<string>();
    // 8192-byte pool: 1000 draws of 32 bytes cross several refills.
    for (let draw = 0; draw < 1000; draw += 1) {
      const bytes = takeRandomBytes(32);
      assert.equal(bytes.length, 32);
      const hex = bytes.toString('hex');
      assert.ok(!seen.has(hex));
      seen.add(hex);
    }
  });

  it('keeps handed-out bytes unchanged when the pool is refilled', () => {
    const kept = takeRandomBytes(32);
    const copy = Buffer.from(kept);
    for (let draw = 0; draw < 600; draw += 1) takeRandomBytes(32);
    assert.deepEqual(kept, copy);
    assert.notDeepEqual(kept, Buffer.alloc(32));
  });

  it('serves sizes larger than the pool directly', () => {
    const big = takeRandomBytes(10_000);
    assert.equal(big.length, 10_000);
    assert.ok(big.some((byte) => byte !== 0));
  });
});
