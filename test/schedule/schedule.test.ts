/** The schedule's times (croner, pure): zones with summer time, the latest due, the job key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  defineSchedule,
  latestOccurrence,
  nextOccurrence,
  occurrenceKey,
  parseOccurrenceKey,
  ScheduleError,
} from '../../src/schedule/schedule.js';

const iso = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString());

describe('schedules', () => {
  it('reads Monday 08:00 in the hand-off time zone, summer time included', () => {
    const handoff = defineSchedule('handoff', '0 8 * * 1', 'Europe/Berlin');
    // Tuesday 1 December 2026: the next Monday is the 7th, in winter time (UTC+1).
    assert.equal(
      iso(nextOccurrence(handoff, Date.parse('2026-12-01T10:00:00Z'))),
      '2026-12-07T07:00:00.000Z',
    );
    // In June Berlin is UTC+2.
    assert.equal(
      iso(nextOccurrence(handoff, Date.parse('2026-06-02T10:00:00Z'))),
      '2026-06-08T06:00:00.000Z',
    );
  });

  it('answers the latest occurrence at or before a moment, the moment itself included', () => {
    const daily = defineSchedule('audit-head', '0 6 * * *', 'UTC');
    assert.equal(
      iso(latestOccurrence(daily, Date.parse('2026-12-01T06:00:00.000Z'))),
      '2026-12-01T06:00:00.000Z',
    );
    assert.equal(
      iso(latestOccurrence(daily, Date.parse('2026-12-01T05:59:59.999Z'))),
      '2026-11-30T06:00:00.000Z',
    );
    assert.equal(
      iso(latestOccurrence(daily, Date.parse('2026-12-03T23:00:00Z'))),
      '2026-12-03T06:00:00.000Z',
    );
  });

  it('refuses a wrong expression or zone with a sentence naming the setting', () => {
    assert.throws(
      () => defineSchedule('handoff', '0 8 * *', 'UTC'),
      (error: unknown) =>
        error instanceof ScheduleError && /handoff schedule "0 8 \* \*"/.test(error.message),
    );
    assert.throws(
      () => defineSchedule('handoff', '0 8 * * 1', 'Mars/Olympus'),
      (error: unknown) => error instanceof ScheduleError && /Mars\/Olympus/.test(error.message),
    );
  });

  it('keys an occurrence by schedule and instant, and reads the key back', () => {
    const at = Date.parse('2026-12-07T07:00:00Z');
    const key = occurrenceKey('handoff', at);
    assert.equal(key, 'schedule:handoff@2026-12-07T07:00:00.000Z');
    assert.deepEqual(parseOccurrenceKey(key), { name: 'handoff', at });
    assert.equal(parseOccurrenceKey('test:abc:1'), undefined);
  });
});

describe('schedule settings', () => {
  it('defaults to 06:00 UTC daily for the head and Monday 08:00 for the hand-off', () => {
    const config = loadConfig({ LIFELINE_DATA_DIR: '/tmp/lifeline-schedule-settings' });
    assert.deepEqual(config.schedules.auditHead, {
      name: 'audit-head',
      cron: '0 6 * * *',
      timeZone: 'UTC',
    });
    assert.equal(config.schedules.handoff?.cron, '0 8 * * 1');
    assert.deepEqual(config.values.LIFELINE_HANDOFF_EMAILS, []);
  });

  it('turns a schedule off, and stops the start with a sentence naming a wrong setting', () => {
    const off = loadConfig({ LIFELINE_HANDOFF_SCHEDULE: 'off' });
    assert.equal(off.schedules.handoff, undefined);
    assert.throws(
      () => loadConfig({ LIFELINE_HANDOFF_TIME_ZONE: 'Europe/Atlantis' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /LIFELINE_HANDOFF_SCHEDULE: .*Europe\/Atlantis/.test(error.message),
    );
    assert.throws(
      () => loadConfig({ LIFELINE_HANDOFF_EMAILS: 'lead@vendor.example, not-an-address' }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /LIFELINE_HANDOFF_EMAILS .*not one: not-an-address/.test(error.message),
    );
  });
});
