import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
  it('reminds at 00:00 UTC N days before the end, then lapses on the end day', () => {
    const schedule = coverSchedule(
      endsOn,
      0,
      defaultCoverSettings,
      Date.parse('2026-11-30T12:00:00Z'),
    );
    assert.deepEqual(
      schedule.map((item) => [coverEventKey(item.event), new Date(item.runAt).toISOString()]),
      [
        ['reminder-3d-L0', '2026-12-07T00:00:00.000Z'],
        ['reminder-1d-L0', '2026-12-09T00:00:00.000Z'],
        ['lapsed-L0', '2026-12-10T00:00:00.000Z'],
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
});
