import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from '../../lib/private/maintenance-windows';

describe('maintenance windows', () => {
  describe('parseDailyWindow', () => {
    test.each<[string, number, number]>([
      ['02:00-03:00', 120, 60],
      ['23:30-00:30', 1410, 60],
      ['00:00-23:59', 0, 1439],
    ])('%s starts at minute %i and lasts %i minutes', (text, start, length) => {
      expect(parseDailyWindow(text)).toEqual({ start, length });
    });

    test.each(['2am', '02:00', '02:00-02:00', '24:00-01:00', '02:60-03:00', '02:00-03:00-04:00'])(
      'refuses %s',
      (text) => {
        expect(parseDailyWindow(text)).toBeUndefined();
      },
    );
  });

  describe('parseWeeklyWindow', () => {
    test.each<[string, number, number]>([
      ['mon:00:00-mon:00:30', 0, 30],
      ['sun:04:00-sun:05:00', 6 * 1440 + 240, 60],
      ['Sun:23:30-Mon:00:30', 6 * 1440 + 1410, 60],
    ])('%s starts at minute %i of the week and lasts %i minutes', (text, start, length) => {
      expect(parseWeeklyWindow(text)).toEqual({ start, length });
    });

    test.each(['sun:04:00', 'xyz:04:00-sun:05:00', 'sun:04:00-sun:04:00', 'sun:25:00-sun:26:00'])(
      'refuses %s',
      (text) => {
        expect(parseWeeklyWindow(text)).toBeUndefined();
      },
    );
  });

  describe('windowsOverlap', () => {
    const overlap = (daily: string, weekly: string) =>
      windowsOverlap(parseDailyWindow(daily)!, parseWeeklyWindow(weekly)!);

    test.each<[string, string]>([
      ['02:00-03:00', 'sun:04:00-sun:05:00'],
      ['02:00-03:00', 'sun:03:00-sun:04:00'],
      ['23:30-00:30', 'mon:00:30-mon:01:00'],
      ['02:00-03:00', 'sat:03:00-sun:02:00'],
    ])('the daily %s and the weekly %s are apart', (daily, weekly) => {
      expect(overlap(daily, weekly)).toBe(false);
    });

    test.each<[string, string]>([
      ['02:00-03:00', 'sun:02:30-sun:03:30'],
      ['02:00-03:00', 'wed:01:00-wed:02:01'],
      ['23:30-00:30', 'mon:00:00-mon:00:30'],
      ['23:30-00:30', 'sun:23:45-mon:00:15'],
      ['02:00-03:00', 'sat:03:00-sun:02:01'],
    ])('the daily %s overlaps the weekly %s', (daily, weekly) => {
      expect(overlap(daily, weekly)).toBe(true);
    });
  });
});
