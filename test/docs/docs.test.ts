/**
 * Keeps the documentation from drifting away from the code: the settings table, the acknowledgements table,
 * the generated references, the counts the docs state, the relative links, and the example programs, which
 * must synthesize with no compliance finding.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App, AppProps, Stack } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
} from 'cdk-nag';
import {
  Acknowledgement,
  ACKNOWLEDGEMENTS,
  addCompliancePacks,
  CHECKLIST_ITEMS,
  CHECKLIST_RULES,
  ConfigError,
  DEFAULT_MANAGED_RULE_GROUPS,
  parseConfig,
  SchedulingChecklistChecks,
  SETTINGS,
} from '../../lib';
import { REFERENCE_FILES, referenceDocs } from '../../scripts/docs-reference';
import { shippedStacks } from '../support/shipped-stacks';

const ROOT = path.join(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const EXAMPLES = path.join(DOCS, 'examples');

/** The feature flags of the bundled app (cdk.json): the examples are checked with what the library is tested with. */
const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'),
).context;

function read(file: string): string {
  return readFileSync(file, 'utf8');
}

/** Markdown without its fenced code blocks, where brackets and pipes are not markup. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** The lines of the section under `heading` (any level), up to the next heading of the same or higher level. */
function section(markdown: string, heading: string): string[] {
  const lines = withoutCodeBlocks(markdown).split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '').trim() === heading);
  if (start < 0) {
    throw new Error(`no heading '${heading}'`);
  }
  const level = lines[start].indexOf(' ');
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => {
    const m = /^(#+) /.exec(l);
    return m !== null && m[1].length <= level;
  });
  return end < 0 ? rest : rest.slice(0, end);
}

/** Cells of the table rows among `lines` (header and separator rows excluded). */
function tableRows(lines: string[]): string[][] {
  return lines
    .filter((l) => l.trim().startsWith('|') && !/^\|[\s|:-]+\|$/.test(l.trim()))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  return new Set(
    withoutCodeBlocks(markdown)
      .split('\n')
      .filter((l) => /^#+ /.test(l))
      .map((l) => anchorOf(l.replace(/^#+ /, ''))),
  );
}

const MARKDOWN_FILES = [
  ...[DOCS, path.join(DOCS, 'reference')].flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.md'))
          .map((f) => path.join(dir, f))
      : [],
  ),
  ...(existsSync(path.join(ROOT, 'README.md')) ? [path.join(ROOT, 'README.md')] : []),
];

describe('docs/configuration.md', () => {
  const rows = tableRows(section(read(path.join(DOCS, 'configuration.md')), 'Settings'));
  const documented = new Map(
    rows.filter((r) => /^`\w+`$/.test(r[0])).map((r) => [r[0].replace(/`/g, ''), r] as const),
  );

  test.each(Object.keys(SETTINGS))('the settings table has a row for `%s`', (key) => {
    expect(documented.has(key)).toBe(true);
  });

  test.each(Object.entries(SETTINGS))('the row of `%s` states its kind', (key, setting) => {
    expect(documented.get(key)?.[1]).toBe(setting.kind);
  });

  test('the settings table documents no setting the app does not have', () => {
    expect([...documented.keys()].filter((k) => !(k in SETTINGS))).toEqual([]);
  });
});

describe('docs/configuration.md, keys that are not settings', () => {
  const text = withoutCodeBlocks(read(path.join(DOCS, 'configuration.md')));

  test('parseConfig refuses a misspelt key, naming it', () => {
    let problems: readonly string[] = [];
    try {
      parseConfig({ desiredCont: 3 });
    } catch (e) {
      problems = e instanceof ConfigError ? e.problems : [String(e)];
    }
    expect(problems).toContainEqual(expect.stringContaining('`desiredCont` is not a setting'));
  });

  test('the page says they are refused, and nowhere that they are ignored', () => {
    expect(text).toMatch(/misspelt[^.]*refused|refused[^.]*misspelt/);
    expect(text).not.toMatch(/misspelt[^.]*ignored|ignored[^.]*misspelt/);
  });
});

describe('docs/reference (npm run docs:reference)', () => {
  const generated = referenceDocs();

  test.each(Object.keys(generated))('%s is as the code renders it', (file) => {
    const checkedIn = existsSync(path.join(ROOT, file)) ? read(path.join(ROOT, file)) : 'missing';
    // On a difference: run `npm run docs:reference` and commit the result.
    expect(checkedIn).toBe(generated[file]);
  });

  test('the construct reference has a section for SecureSchedulingStack with every member and prop', () => {
    const stack = section(generated[REFERENCE_FILES.constructs], 'SecureSchedulingStack').join('\n');
    for (const name of ['databaseInstance', 'backupVault', 'auditTrail', 'operatorLogin', 'dnsFirewall']) {
      expect(stack).toContain(`| \`${name}`);
    }
    for (const prop of ['databaseEngine', 'dailyBackupRetention', 'trailLogRetention', 'breakGlass']) {
      expect(stack).toContain(`| \`${prop}\``);
    }
  });

  test.each([
    ['docs/constructs.md', 'reference/constructs.md'],
    ['README.md', 'docs/reference/constructs.md'],
    ['README.md', 'docs/reference/settings.md'],
  ])('%s links to %s', (file, target) => {
    expect(read(path.join(ROOT, file))).toContain(`](${target}`);
  });
});

/** Numbers as the docs write them. */
const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const NUMBER = `(\\d+|${NUMBER_WORDS.join('|')})`;

describe('counts stated in the docs', () => {
  const packs = addCompliancePacks(new App()).map((p) => p.readPackName);
  const shipped = packs.filter((name) => name !== 'SchedulingChecklist');
  /** Each way the docs state a count, and the count in the code. */
  const COUNTS: readonly (readonly [string, RegExp, number])[] = [
    [
      'cdk-nag packs shipped by cdk-nag',
      new RegExp(`\\b${NUMBER} (?:cdk-nag (?:compliance |rule )?|shipped )packs\\b`, 'gi'),
      shipped.length,
    ],
    [
      'packs addCompliancePacks registers',
      new RegExp(`\\b(?:the ${NUMBER} packs|${NUMBER} cdk-nag v3 packs)\\b`, 'gi'),
      packs.length,
    ],
    [
      'checklist items',
      new RegExp(`\\b(?:${NUMBER} checklist items|all ${NUMBER} items)\\b`, 'gi'),
      Object.keys(CHECKLIST_ITEMS).length,
    ],
    [
      'default AWS managed rule groups of the web ACL',
      new RegExp(`\\b${NUMBER} (?:AWS )?managed rule groups\\b`, 'gi'),
      DEFAULT_MANAGED_RULE_GROUPS.length,
    ],
  ];
  const stated = MARKDOWN_FILES.flatMap((file) =>
    COUNTS.flatMap(([what, pattern, expected]) =>
      [...read(file).matchAll(pattern)].map(
        (m) =>
          [
            `${path.relative(ROOT, file)}: "${m[0]}" (${what})`,
            m.slice(1).find(Boolean) as string,
            expected,
          ] as const,
      ),
    ),
  );

  test('the docs state counts to check', () => {
    expect(stated.length).toBeGreaterThan(0);
  });

  test.each(stated)('%s matches the code', (_where, written, expected) => {
    const value = /^\d+$/.test(written) ? Number(written) : NUMBER_WORDS.indexOf(written.toLowerCase());
    expect(value).toBe(expected);
  });

  test('no doc states how many acknowledgements a stack records (it follows the tree, not the docs)', () => {
    const counts = MARKDOWN_FILES.flatMap((file) =>
      [...read(file).matchAll(/\b\d+ acknowledgements\b/g)].map(
        (m) => `${path.relative(ROOT, file)}: ${m[0]}`,
      ),
    );
    expect(counts).toEqual([]);
  });
});

describe('README.md', () => {
  test('"What you get" names each part once', () => {
    const block =
      /## What you get\s*\n```\n([\s\S]*?)```/.exec(read(path.join(ROOT, 'README.md')))?.[1] ?? '';
    const labels = [...block.matchAll(/^ ?([A-Z][a-z]+):/gm)].map((m) => m[1]);
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.filter((label, i) => labels.indexOf(label) !== i)).toEqual([]);
  });
});

describe('docs/compliance.md', () => {
  const text = read(path.join(DOCS, 'compliance.md'));
  // Rows of the acknowledgements table: a site and a rule id, each in backticks (the header row has neither).
  const rows = tableRows(section(text, 'Acknowledgements')).filter(
    (r) => /^`\w+`$/.test(r[0]) && /^`[^`]+`$/.test(r[1]),
  );
  const entries = Object.entries(ACKNOWLEDGEMENTS).flatMap(([site, list]) =>
    (list as readonly Acknowledgement[]).map((a) => [`${site} ${a.ruleId}`, site, a] as const),
  );

  test.each(entries)('%s is in the table with its checklist item and its reason verbatim', (_n, site, a) => {
    const row = rows.find((r) => r.includes(`\`${site}\``) && r.includes(`\`${a.ruleId}\``));
    expect(row).toBeDefined();
    // A dash marks a rule with no checklist item (template hygiene).
    expect(row?.[2]).toBe(a.checklist ?? '—');
    expect(row?.[3]).toBe(a.reason);
  });

  test('the table has one row per acknowledgement, and no other', () => {
    expect(rows.length).toBe(entries.length);
  });
});

describe('docs/compliance.md, the checklist pack', () => {
  const rows = tableRows(section(read(path.join(DOCS, 'compliance.md')), 'The checklist pack')).filter((r) =>
    /^`SchedulingChecklist-/.test(r[0]),
  );

  test.each(CHECKLIST_RULES.map((r) => [r.id, r] as const))(
    '%s is in the table as in CHECKLIST_RULES',
    (id, rule) => {
      const row = rows.find((r) => r[0] === `\`SchedulingChecklist-${id}\``);
      expect(row).toEqual([
        `\`SchedulingChecklist-${id}\``,
        rule.checklist,
        rule.level,
        rule.info,
        rule.securityHubControls.join(', ') || '—',
      ]);
    },
  );

  test('the table has one row per rule, and no other', () => {
    expect(rows.length).toBe(CHECKLIST_RULES.length);
  });
});

describe('relative links', () => {
  const links = MARKDOWN_FILES.flatMap((file) =>
    [...withoutCodeBlocks(read(file)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => [`${path.relative(ROOT, file)} -> ${target}`, file, target] as const),
  );

  test('the docs have links to check', () => {
    expect(links.length).toBeGreaterThan(0);
  });

  test.each(links)('%s exists', (_name, file, target) => {
    const [targetPath, anchor] = target.split('#');
    const resolved = targetPath === '' ? file : path.resolve(path.dirname(file), decodeURI(targetPath));
    expect(existsSync(resolved) ? resolved : `missing: ${resolved}`).toBe(resolved);
    if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      expect([...anchorsIn(read(resolved))]).toContain(anchor);
    }
  });
});

describe('docs/examples', () => {
  const files = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const apps = new Map<string, { app?: App; error?: unknown }>();

  beforeAll(() => {
    // Each example's app is built here and judged by the five packs below; its synth (with its own compliance
    // packs registered, so that synth throws on any finding) is the run's shared one (test/support/shipped-stacks.ts).
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const example = require(path.join(EXAMPLES, file)) as { buildApp?: (props?: AppProps) => App };
      let app: App | undefined;
      try {
        if (typeof example.buildApp !== 'function') {
          throw new Error(`${file} does not export buildApp()`);
        }
        // The schema validator judges aws-cdk-lib's output, not the example: off, as on every test app.
        app = example.buildApp({ context: CDK_JSON_CONTEXT, builtinCloudFormationValidation: false });
        apps.set(file, { app });
      } catch (error) {
        // Keep the app, if it was built: the pack test below then names the findings.
        apps.set(file, { app, error });
      }
    }
  });

  test('there are examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  // The package ships docs/examples, where '../../lib' does not exist: each says how to run it in an app.
  test.each(files)(
    '%s imports the library only from ../../lib, and says how to run it from your app',
    (file) => {
      const source = read(path.join(EXAMPLES, file));
      const relative = [...source.matchAll(/from '(\.[^']*)'/g)].map((m) => m[1]);
      expect([...new Set(relative)]).toEqual(['../../lib']);
      expect(source.slice(0, source.indexOf('*/'))).toContain("from 'secure-scheduling'");
    },
  );

  test.each(files)('%s builds an app that synthesizes', (file) => {
    const result = apps.get(file);
    expect(result?.error === undefined ? 'built' : String(result.error)).toBe('built');
    expect(result?.app?.node.findAll().some((c) => Stack.isStack(c))).toBe(true);
    const synthesized = (() => {
      try {
        return shippedStacks(`docs/examples/${file}`);
      } catch (error) {
        return String(error);
      }
    })();
    expect(Array.isArray(synthesized) ? synthesized.length : synthesized).toBeGreaterThan(0);
  });

  test.each(files)('the stacks of %s have no finding from the five compliance packs', (file) => {
    const app = apps.get(file)?.app;
    if (app === undefined) {
      throw new Error(`${file} built no app: ${String(apps.get(file)?.error)}`);
    }
    const packs: NagPack[] = [
      new AwsSolutionsChecks(),
      new HIPAASecurityChecks(),
      new NIST80053R5Checks(),
      new PCIDSS321Checks(),
      new SchedulingChecklistChecks(),
    ];
    const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    const findings = stacks.flatMap((stack) =>
      packs.flatMap((pack) =>
        pack
          .validateScope(stack)
          .violations.map(
            (v) =>
              `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath ?? `${stack.stackName}/${r.resourceLogicalId}`).join(', ')}`,
          ),
      ),
    );
    expect(findings).toEqual([]);
  });
});
