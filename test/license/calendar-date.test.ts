/** A calendar date is any real YYYY-MM-DD day, from 0001-01-01 to 9999-12-31. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, parseCalendarDate } from '../../src/license/calendar-date.js';

describe('calendar dates', () => {
  it('takes every real day, the first years of the era too', () => {
    for (const text of ['0001-01-01', '0099-12-31', '1900-02-28', '2000-02-29', '9999-12-31'])
      assert.equal(parseCalendarDate(text), text);
    assert.equal(addDays(parseCalendarDate('0001-01-01')!, 1), '0001-01-02');
  });

  it('refuses days that do not exist and text that is not a date', () => {
    for (const text of ['2026-02-30', '1900-02-29', '0000-13-01', '2026-1-01', '26-01-01', ''])
      assert.equal(parseCalendarDate(text), undefined, text);
  });
});
