import {
  CIS_METRIC_FILTER_CATEGORIES,
  patternServes,
} from '../../lib/compliance/checklist/cis-metric-filters';
import { CIS_BENCHMARK_PATTERNS } from '../support/cis-patterns';

describe('CIS_METRIC_FILTER_CATEGORIES', () => {
  test('the fifteen categories of the benchmark, each with a pattern in the fixtures', () => {
    expect(CIS_METRIC_FILTER_CATEGORIES.map((c) => c.id).sort()).toEqual(
      Object.keys(CIS_BENCHMARK_PATTERNS).sort(),
    );
    expect(CIS_METRIC_FILTER_CATEGORIES).toHaveLength(15);
  });

  describe('patternServes', () => {
    test.each(Object.entries(CIS_BENCHMARK_PATTERNS))(
      "the benchmark's %s pattern serves that category and no other",
      (id, pattern) => {
        expect(
          CIS_METRIC_FILTER_CATEGORIES.filter((c) => patternServes(pattern, c)).map((c) => c.id),
        ).toEqual([id]);
      },
    );

    const routeTables = CIS_METRIC_FILTER_CATEGORIES.find((c) => c.id === 'route-table-changes')!;

    test('spacing and quotes do not matter', () => {
      const pattern = CIS_BENCHMARK_PATTERNS['route-table-changes'].replace(/ = (\w+)/g, '="$1"');
      expect(pattern).toContain('$.eventName="CreateRoute"');
      expect(patternServes(pattern, routeTables)).toBe(true);
    });

    test('a name is matched whole: CreateRouteTable does not stand for CreateRoute', () => {
      const pattern = CIS_BENCHMARK_PATTERNS['route-table-changes'].replace(
        '($.eventName = CreateRoute) || ',
        '',
      );
      expect(pattern).toContain('CreateRouteTable');
      expect(patternServes(pattern, routeTables)).toBe(false);
    });
  });
});
