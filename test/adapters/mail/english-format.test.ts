import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { longDate, wholeNumber } from '../../../src/adapters/mail/english-format.js';
import { addDays, calendarDate } from '../../../src/license/calendar-date.js';

// The service avoids Intl (its locale data costs resident memory); Intl is the reference here.
const intlDate = new Intl.DateTimeFormat('en-US', {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});
const intlNumber = new Intl.NumberFormat('en-US');

describe('english-format', () => {
  it('writes the day out as Intl en-US does', () => {
    assert.equal(longDate(calendarDate('2026-12-08')), 'Tuesday, December 8, 2026');
    assert.equal(longDate(calendarDate('2028-02-29')), 'Tuesday, February 29, 2028');
  });

  it('agrees with Intl on every day from 1970 to 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 47_846 }), (offset) => {
        const date = addDays(calendarDate('1970-01-01'), offset);
        assert.equal(longDate(date), intlDate.format(new Date(`${date}T00:00:00Z`)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('groups thousands as Intl en-US does', () => {
    assert.equal(wholeNumber(0), '0');
    assert.equal(wholeNumber(999), '999');
    assert.equal(wholeNumber(1_000), '1,000');
    assert.equal(wholeNumber(1_234_567), '1,234,567');
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => {
        assert.equal(wholeNumber(n), intlNumber.format(n));
      }),
    );
  });
});
