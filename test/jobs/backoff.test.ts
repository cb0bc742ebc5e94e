import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBackoff, retryDelayMs } from '../../src/jobs/backoff.js';

describe('retry backoff', () => {
  const settings = { baseMs: 1_000, maxMs: 60_000 };
  const middle = () => 0.5;

  it('doubles from the base delay with each attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, settings, undefined, middle)),
      [1_000, 2_000, 4_000, 8_000, 16_000],
    );
  });

  it('never waits longer than the cap', () => {
    assert.equal(retryDelayMs(7, settings, undefined, middle), 60_000);
    assert.equal(retryDelayMs(40, settings, undefined, middle), 60_000);
    assert.equal(retryDelayMs(99, defaultBackoff, undefined, middle), defaultBackoff.maxMs);
  });

  it('spreads retries by ±20 % so jobs that failed together do not return together', () => {
    assert.equal(
      retryDelayMs(3, settings, undefined, () => 0),
      3_200,
    );
    assert.equal(
      retryDelayMs(3, settings, undefined, () => 0.999_999),
      4_800,
    );
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, settings)));
    assert.ok(delays.size > 10, 'Math.random gives different delays');
    for (const delay of delays) assert.ok(delay >= 3_200 && delay <= 4_800, String(delay));
  });

  it("waits as long as the server's Retry-After asks when that is longer", () => {
    assert.equal(retryDelayMs(1, settings, 30_000, middle), 30_000);
    assert.equal(retryDelayMs(5, settings, 500, middle), 16_000);
  });
});
