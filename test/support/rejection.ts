import assert from 'node:assert/strict';
import { RemoteFailure } from '../../src/ports/remote-failure.js';

/** The RemoteFailure a call failed with; fails the test when it succeeds or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<RemoteFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RemoteFailure, `expected a RemoteFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
