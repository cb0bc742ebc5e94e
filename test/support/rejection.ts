import assert from 'node:assert/strict';
import { DeliveryError } from '../../src/ports/delivery-error.js';

/** The DeliveryError a call failed with; fails the test when it succeeds or throws anything else. */
export async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
