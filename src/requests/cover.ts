import { addDays, type CalendarDate } from '../license/calendar-date.js';
import { defaultReminderTime, reminderInstant, type ReminderTime } from './cover-times.js';

/**
 * A delivered request's cover: the temporary license stands in for the customer's real one
 * until the renewal arrives.
 * - pending: waiting for the renewal;
 * - extended: an approver issued a further temporary license; still waiting for the renewal;
 * - renewed: the customer's new license was recorded (or an approver marked it done);
 * - lapsed: the temporary license ended with no renewal.
 * A lapsed cover can still be renewed: the loop closes late rather than never.
 */
export type CoverState = 'pending' | 'extended' | 'renewed' | 'lapsed';

export const coverStates: readonly CoverState[] = ['pending', 'extended', 'renewed', 'lapsed'];

export interface CoverSettings {
  /** Days before the temporary license ends that a still-waiting cover is reminded of. */
  reminderDays: readonly number[];
  /** The hour and zone on their day that reminders and the lapse are due. */
  reminderTime: ReminderTime;
  /** Also email the customer that the license ends and the renewal is in hand. */
  emailCustomer: boolean;
  /** Extensions allowed per request. */
  extensionsMax: number;
}

export const defaultCoverSettings: CoverSettings = Object.freeze({
  reminderDays: Object.freeze([3, 1]),
  reminderTime: defaultReminderTime,
  emailCustomer: false,
  extensionsMax: 1,
});

/** Still waiting for the renewal: reminders and the lapse apply, an extension may be made. */
export function isWaiting(state: string | null): state is 'pending' | 'extended' {
  return state === 'pending' || state === 'extended';
}

export function canRenew(state: string | null): boolean {
  return isWaiting(state) || state === 'lapsed';
}

/** A cover event: what a reminder, the lapse, the renewal or an extension is called everywhere. */
export type CoverEvent =
  | { kind: 'reminder'; daysBefore: number; lineage: number }
  | { kind: 'lapsed'; lineage: number }
  | { kind: 'renewed' }
  | { kind: 'extended'; lineage: number };

/** The stable key of an event: deliveries, jobs and notes are named by it, so each is made once. */
export function coverEventKey(event: CoverEvent): string {
  switch (event.kind) {
    case 'reminder':
      return `reminder-${event.daysBefore}d-L${event.lineage}`;
    case 'lapsed':
      return `lapsed-L${event.lineage}`;
    case 'renewed':
      return 'renewed';
    case 'extended':
      return `extended-L${event.lineage}`;
  }
}

export function parseCoverEventKey(key: string): CoverEvent | undefined {
  let match = /^reminder-(\d+)d-L(\d+)$/.exec(key);
  if (match) return { kind: 'reminder', daysBefore: Number(match[1]), lineage: Number(match[2]) };
  match = /^lapsed-L(\d+)$/.exec(key);
  if (match) return { kind: 'lapsed', lineage: Number(match[1]) };
  if (key === 'renewed') return { kind: 'renewed' };
  match = /^extended-L(\d+)$/.exec(key);
  if (match) return { kind: 'extended', lineage: Number(match[1]) };
  return undefined;
}

/**
 * When the reminders and the lapse of a temporary license run: a reminder N days before on
 * endsOn − N and the lapse on endsOn (the license stops working from 00:00 server time that
 * day), each at the configured hour in the configured zone, so they reach the licensing team in
 * their morning. Reminders already past at `now` are left out (a license shorter than a
 * reminder's distance); the lapse never is.
 */
export function coverSchedule(
  endsOn: CalendarDate,
  lineage: number,
  settings: CoverSettings,
  now: number,
): { event: CoverEvent; runAt: number }[] {
  const at = (day: CalendarDate) => reminderInstant(day, settings.reminderTime);
  const reminders = [...new Set(settings.reminderDays)]
    .sort((a, b) => b - a)
    .map((daysBefore): { event: CoverEvent; runAt: number } => ({
      event: { kind: 'reminder', daysBefore, lineage },
      runAt: at(addDays(endsOn, -daysBefore)),
    }))
    .filter((item) => item.runAt > now);
  return [...reminders, { event: { kind: 'lapsed', lineage }, runAt: at(endsOn) }];
}

/** `3,1` → [3, 1]; throws a sentence for anything else. */
export function parseReminderDays(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1 || value > 60)
      throw new Error(`"${part.trim()}" is not a whole number of days from 1 to 60`);
    return value;
  });
}

/** Why a request has no cover yet, in words that do not promise one where none will come. */
export function noCoverYet(state: string, verb: 'extend' | 'renew'): string {
  if (state === 'rejected')
    return `This request was rejected: it has no license, so there is no cover to ${verb}.`;
  if (state === 'awaiting_approval')
    return `This request waits for a second person’s approval: there is no cover to ${verb} until it is approved and its license delivered.`;
  return `This request has no cover to ${verb} yet: its license has not been delivered.`;
}
