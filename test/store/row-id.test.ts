/**
 * Row ids begin with the time they were made (UUID version 7), so rows made one after another
 * sit side by side in the indexes keyed by them, and never repeat.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRowId } from '../../src/store/row-id.js';

describe('row ids', () => {
  it('are version 7 UUIDs that begin with the millisecond they were made, and never repeat', async () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newRowId());
    const after = Date.now();
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids.slice(0, 500))
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const msOf = (id: string) => parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    assert.ok(msOf(ids[0]!) >= before && msOf(ids.at(-1)!) <= after);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const later = newRowId();
    assert.ok(
      ids.every((id) => id < later),
      'an id made a millisecond later sorts after',
    );
  });
});
