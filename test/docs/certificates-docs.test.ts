/**
 * Keeps docs/certificates.md in step with the code: one row per finding id, the exit codes, every command
 * line shown parses with the commands' own parsers, the JSON examples have the fields the code prints, and
 * the monitor's stated names are those it uses.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FINDING_IDS } from '../../lib/certificates/assessment';
import { parseCertCheckArgs } from '../../lib/certificates/cert-check';
import { EXIT_CODES } from '../../lib/certificates/check-output';
import { MONITOR_METRIC } from '../../lib/certificates/monitor-contract';
import { parseVerifyArgs } from '../../lib/certificates/verify';

const ROOT = path.join(__dirname, '..', '..');
const TEXT = readFileSync(path.join(ROOT, 'docs', 'certificates.md'), 'utf8');

/** Fenced code blocks of the given languages. */
function codeBlocks(...languages: string[]): string[] {
  return [...TEXT.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((m) => languages.includes(m[1]))
    .map((m) => m[2]);
}

/** Table rows (cells) under `heading`, header and separator rows excluded. */
function tableUnder(heading: string): string[][] {
  const start = TEXT.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = TEXT.indexOf('\n## ', start + 1);
  return TEXT.slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .slice(1)
    .map((l) =>
      l
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
}

/** Values of the shell variables the examples use, as a pipeline would have them. */
const SHELL_VARIABLES: Record<string, string> = {
  '"$LB"': 'secure-loadb-1ab2c3d4e5f6-1234567890.eu-west-1.elb.amazonaws.com',
};

/** The arguments after `cert-check` or `verify` in each command line of the shell examples. */
function commandLines(command: 'cert-check' | 'verify'): string[][] {
  return codeBlocks('sh', 'yaml')
    .flatMap((block) => block.split('\n'))
    .map((line) => new RegExp(`secure-scheduling ${command} (.*?)(?:\\s*(?:>|\\|\\|).*)?$`).exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) =>
      m[1]
        .split(/\s+/)
        .filter((a) => a !== '')
        .map((a) => SHELL_VARIABLES[a] ?? a),
    );
}

describe('docs/certificates.md', () => {
  describe('findings', () => {
    const rows = tableUnder('Findings');

    test('has one row per finding id, in the order of the code, and no other', () => {
      expect(rows.map((r) => r[0])).toEqual(FINDING_IDS.map((id) => `\`${id}\``));
    });

    test('gives each a severity, who reports it, a meaning and a fix', () => {
      for (const row of rows) {
        expect(row[1]).toMatch(/^(error|warning)\b/);
        expect(row[2]).toMatch(/^(cert-check|verify|monitor)(, (cert-check|verify|monitor))*$/);
        expect(row[3].split(' ').length).toBeGreaterThanOrEqual(6);
        expect(row[4].split(' ').length).toBeGreaterThanOrEqual(4);
      }
    });

    test('says a warning for the one id that is only ever a warning', () => {
      expect(rows.find((r) => r[0] === '`CERT_TRANSPARENCY_DISABLED`')?.[1]).toBe('warning');
    });
  });

  test('lists the exit codes of the code', () => {
    expect(tableUnder('Exit codes').map((r) => Number(r[0]))).toEqual(
      Object.values(EXIT_CODES).sort((a, b) => a - b),
    );
  });

  describe('command lines', () => {
    test.each(commandLines('cert-check').map((args) => [args.join(' '), args]))(
      'cert-check %s parses',
      (_line, args) => {
        expect(() => parseCertCheckArgs(args)).not.toThrow();
      },
    );

    test.each(
      commandLines('verify')
        // The PEM file of the example does not exist here; the option itself is checked by the parser.
        .filter((args) => !args.includes('--ca'))
        .map((args) => [args.join(' '), args]),
    )('verify %s parses', (_line, args) => {
      expect(() => parseVerifyArgs(args)).not.toThrow();
    });

    test('every option shown for a command is in its options table', () => {
      const documented = (heading: string) =>
        new Set(tableUnder(heading).map((r) => r[0].replace(/`/g, '').split(' ')[0]));
      for (const [command, heading] of [
        ['cert-check', 'cert-check'],
        ['verify', 'verify'],
      ] as const) {
        const used = commandLines(command)
          .flat()
          .filter((a) => a.startsWith('--'));
        expect(used.length).toBeGreaterThan(0);
        expect(used.filter((o) => !documented(heading).has(o))).toEqual([]);
      }
    });
  });

  test('the JSON examples parse and have the top-level fields the commands print', () => {
    const examples = codeBlocks('json').map((b) => JSON.parse(b) as Record<string, unknown>);
    const results = examples.filter((e) => 'ok' in e);
    expect(results).toHaveLength(2);
    for (const result of results) {
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['ok', 'certificates', 'findings']));
    }
    const [certCheck] = results;
    expect(Object.keys((certCheck.certificates as object[])[0]).sort()).toEqual(
      [
        'certificateArn',
        'daysLeft',
        'domainName',
        'healthy',
        'inUseBy',
        'keyAlgorithm',
        'notAfter',
        'status',
        'type',
      ].sort(),
    );
    expect(Object.keys((certCheck.findings as object[])[0])).toEqual([
      'id',
      'severity',
      'message',
      'certificateArn',
    ]);
  });

  test("names the monitor's metric as the function records it", () => {
    expect(TEXT).toContain(
      `metric \`${MONITOR_METRIC.name}\` in the namespace\n  \`${MONITOR_METRIC.namespace}\`, with the dimension \`${MONITOR_METRIC.dimension}\``,
    );
  });
});
