import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { CalendarDate } from '../../src/license/index.js';
import {
  coverEventKey,
  coverSchedule,
  defaultCoverSettings,
  parseCoverEventKey,
  parseReminderDays,
} from '../../src/requests/cover.js';

const endsOn = '2026-12-10' as CalendarDate;

describe('the cover schedule', () => {
  it('reminds at 09:00 UTC N days before the end, then lapses on the end day, by default', () => {
    const schedule = coverSchedule(
      endsOn,
      0,
      defaultCoverSettings,
      Date.parse('2026-11-30T12:00:00Z'),
    );
    assert.deepEqual(
      schedule.map((item) => [coverEventKey(item.event), new Date(item.runAt).toISOString()]),
      [
        ['reminder-3d-L0', '2026-12-07T09:00:00.000Z'],
        ['reminder-1d-L0', '2026-12-09T09:00:00.000Z'],
        ['lapsed-L0', '2026-12-10T09:00:00.000Z'],
      ],
    );
  });

  it('leaves out reminders already past, and names the lineage', () => {
    const schedule = coverSchedule(
      endsOn,
      1,
      { ...defaultCoverSettings, reminderDays: [7, 1, 1] },
      Date.parse('2026-12-05T00:00:00Z'),
    );
    assert.deepEqual(
      schedule.map((item) => coverEventKey(item.event)),
      ['reminder-1d-L1', 'lapsed-L1'],
    );
  });

  it('reads event keys back, and nothing else', () => {
    for (const key of ['reminder-3d-L0', 'lapsed-L2', 'renewed', 'extended-L1'])
      assert.equal(coverEventKey(parseCoverEventKey(key) ?? { kind: 'renewed' }), key);
    for (const key of ['license', 'resend', 'issued', 'failed', 'reminder-d-L0'])
      assert.equal(parseCoverEventKey(key), undefined, key);
  });

  it('parses LIFELINE_REMINDER_DAYS with a sentence for a wrong value', () => {
    assert.deepEqual(parseReminderDays(' 3, 1 '), [3, 1]);
    assert.deepEqual(parseReminderDays(''), []);
    assert.throws(
      () => parseReminderDays('3,zero'),
      /"zero" is not a whole number of days from 1 to 60/,
    );
  });

  it('is due at the hour in the configured zone, across a change to and from summer time', () => {
    const at = (ends: string, zone: string, hour = 9) =>
      coverSchedule(
        ends as CalendarDate,
        0,
        { ...defaultCoverSettings, reminderTime: { timeZone: zone, hour } },
        0,
      ).map((item) => new Date(item.runAt).toISOString());
    // Berlin moves to summer time at 01:00 UTC on 28 March 2027: 09:00 is 08:00 UTC before, 07:00 after.
    assert.deepEqual(at('2027-03-29', 'Europe/Berlin'), [
      '2027-03-26T08:00:00.000Z',
      '2027-03-28T07:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
    ]);
    // And back at 01:00 UTC on 31 October 2027.
    assert.deepEqual(at('2027-11-01', 'Europe/Berlin'), [
      '2027-10-29T07:00:00.000Z',
      '2027-10-31T08:00:00.000Z',
      '2027-11-01T08:00:00.000Z',
    ]);
    assert.deepEqual(at('2027-03-16', 'America/New_York', 8), [
      '2027-03-13T13:00:00.000Z',
      '2027-03-15T12:00:00.000Z',
      '2027-03-16T12:00:00.000Z',
    ]);
    // An hour the clocks skip is due at the first instant after it (03:00 summer time).
    assert.equal(at('2027-03-29', 'Europe/Berlin', 2)[1], '2027-03-28T01:00:00.000Z');
  });

  it('validates LIFELINE_REMINDER_TIME_ZONE and LIFELINE_REMINDER_HOUR at start with a sentence', () => {
    const cover = loadConfig({ LIFELINE_REMINDER_TIME_ZONE: 'europe/berlin' }).cover;
    assert.deepEqual(cover.reminderTime, { timeZone: 'Europe/Berlin', hour: 9 });
    assert.deepEqual(loadConfig({}).cover.reminderTime, { timeZone: 'UTC', hour: 9 });
    assert.throws(
      () => loadConfig({ LIFELINE_REMINDER_TIME_ZONE: 'Europe/Berlln' }),
      (error) =>
        error instanceof ConfigError &&
        /LIFELINE_REMINDER_TIME_ZONE: "Europe\/Berlln" is not a time zone: give an IANA name such as/.test(
          error.message,
        ),
    );
    assert.throws(
      () => loadConfig({ LIFELINE_REMINDER_HOUR: '24' }),
      (error) =>
        error instanceof ConfigError &&
        /LIFELINE_REMINDER_HOUR must be at most 23/.test(error.message),
    );
  });
});
