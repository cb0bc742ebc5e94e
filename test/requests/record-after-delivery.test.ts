/**
 * The write that records a delivery already made is tried again rather than given up, since
 * giving up makes the job send again: a passing hiccup a few times, and a full disk for as long
 * as the step still owns its job (half the lease). The chaos run found customers emailed twice
 * when the disk filled for two seconds between "accepted by the SMTP server" and "recorded".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  recordAfterDelivery,
  recordingOptions,
} from '../../src/requests/steps/record-after-delivery.js';

/** A clock that jumps by each wait, so nothing here sleeps. */
function jumpingClock() {
  let now = 1_000_000;
  return { now: () => now, sleep: (ms: number) => Promise.resolve(void (now += ms)) };
}

const diskFull = () =>
  Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
const pgDiskFull = () =>
  Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' });

describe('recording a delivery already made', () => {
  it('waits out a disk that is full for 4 s with a 10 s lease', async () => {
    const clock = jumpingClock();
    const freedAt = clock.now() + 4_000;
    let writes = 0;
    const recorded = await recordAfterDelivery(
      () => {
        writes += 1;
        if (clock.now() < freedAt) return Promise.reject(diskFull());
        return Promise.resolve('recorded');
      },
      { ...recordingOptions({ leaseMs: 10_000 }), ...clock },
    );
    assert.equal(recorded, 'recorded');
    assert.equal(writes, 5, 'tried once a second');
  });

  it('gives the job back once half the lease has passed, while the job is surely still its own', async () => {
    const clock = jumpingClock();
    const start = clock.now();
    let writes = 0;
    await assert.rejects(
      recordAfterDelivery(
        () => {
          writes += 1;
          return Promise.reject(pgDiskFull());
        },
        { ...recordingOptions({ leaseMs: 10_000 }), ...clock },
      ),
      /No space left/,
    );
    assert.equal(clock.now() - start, 5_000, 'the last try at half the lease');
    assert.equal(writes, 6);
  });

  it('tries an ordinary failure five times, however long the lease', async () => {
    const clock = jumpingClock();
    let writes = 0;
    await assert.rejects(
      recordAfterDelivery(
        () => {
          writes += 1;
          return Promise.reject(new Error('timeout exceeded when trying to connect'));
        },
        { ...recordingOptions({ leaseMs: 600_000 }), ...clock },
      ),
      /timeout exceeded/,
    );
    assert.equal(writes, 5);
  });
});
