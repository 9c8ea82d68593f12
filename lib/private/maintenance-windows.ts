/**
 * RDS windows as minute ranges of the week, to tell whether the daily backup window and the weekly
 * maintenance window overlap. Pure: no CDK, no tokens.
 */

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** A half-open range [start, start + length) of minutes since Monday 00:00 UTC, possibly wrapping. */
export interface WeekRange {
  readonly start: number;
  readonly length: number;
}

function minuteOfDay(hhmm: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** Parses a daily window `hh:mm-hh:mm` (UTC) into its start and length in minutes, or undefined. */
export function parseDailyWindow(window: string): WeekRange | undefined {
  const [from, to, ...rest] = window.split('-');
  const start = minuteOfDay(from ?? '');
  const end = minuteOfDay(to ?? '');
  if (rest.length > 0 || start === undefined || end === undefined || start === end) {
    return undefined;
  }
  return { start, length: (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY };
}

/** Parses a weekly window `ddd:hh:mm-ddd:hh:mm` (UTC) into a range of the week, or undefined. */
export function parseWeeklyWindow(window: string): WeekRange | undefined {
  const m = /^([a-z]{3}):(\d\d:\d\d)-([a-z]{3}):(\d\d:\d\d)$/.exec(window.toLowerCase());
  if (!m) {
    return undefined;
  }
  const [fromDay, toDay] = [DAYS.indexOf(m[1]), DAYS.indexOf(m[3])];
  const [fromMinute, toMinute] = [minuteOfDay(m[2]), minuteOfDay(m[4])];
  if (fromDay < 0 || toDay < 0 || fromMinute === undefined || toMinute === undefined) {
    return undefined;
  }
  const start = fromDay * MINUTES_PER_DAY + fromMinute;
  const end = toDay * MINUTES_PER_DAY + toMinute;
  const length = (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  return length === 0 ? undefined : { start, length };
}

function overlaps(a: WeekRange, b: WeekRange): boolean {
  // Compare on the circle of the week: b starts inside a, or a starts inside b.
  const bFromA = (b.start - a.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const aFromB = (a.start - b.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  return bFromA < a.length || aFromB < b.length;
}

/** Whether the daily window, repeated on each day of the week, overlaps the weekly window. */
export function windowsOverlap(daily: WeekRange, weekly: WeekRange): boolean {
  return DAYS.some((_, day) =>
    overlaps({ start: day * MINUTES_PER_DAY + daily.start, length: daily.length }, weekly),
  );
}
