/**
 * Keeps docs/updates.md in step with the code: the data-holding types, the kinds of change, the in-place
 * updates with their references, the exit codes, the usage line and the settings it names.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SETTINGS } from '../../lib/config/app-config';
import { GUARD_EXIT_CODES, GUARD_FINDING_IDS, GUARD_USAGE } from '../../lib/guard/guard-command';
import {
  BLOCKING_KINDS,
  DATA_HOLDING_TYPES,
  IN_PLACE_UPDATES,
  STATEFUL_CHANGE_KINDS,
} from '../../lib/guard/stateful-changes';

const TEXT = readFileSync(path.join(__dirname, '..', '..', 'docs', 'updates.md'), 'utf8');

/** The text under a heading, up to the next heading (its subsections left out). */
function section(heading: string): string {
  const lines = TEXT.split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '') === heading);
  if (start < 0) throw new Error(`docs/updates.md has no section '${heading}'`);
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The cells of a section's table rows, header and separator left out. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l))
    .slice(1)
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

describe('docs/updates.md', () => {
  test('lists every data-holding type', () => {
    const documented = rows(section('What holds data')).flatMap((r) =>
      [...r[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]),
    );
    expect(documented.sort()).toEqual(Object.keys(DATA_HOLDING_TYPES).sort());
  });

  test('lists every kind of change, which block, and the id of its finding', () => {
    const documented = rows(section('What it reports')).map((r) => [r[0].replace(/`/g, ''), r[1], r[2]]);
    expect(documented).toEqual(
      STATEFUL_CHANGE_KINDS.map((kind) => {
        const blocks = BLOCKING_KINDS.includes(kind);
        const id = kind === 'updated-in-place' ? undefined : GUARD_FINDING_IDS[kind];
        return [kind, blocks ? 'yes' : 'no', id ? `\`${id}\` (${blocks ? 'error' : 'warning'})` : 'none'];
      }),
    );
  });

  test('lists every in-place update with its reference', () => {
    const documented = rows(section('"May replace" that is an update')).map((r) => [
      r[0].replace(/`/g, ''),
      r[1].replace(/`/g, ''),
      /\((https:[^)]+)\)/.exec(r[2])?.[1],
    ]);
    expect(documented).toEqual(IN_PLACE_UPDATES.map((u) => [u.resourceType, u.property, u.reference]));
  });

  test('states the exit codes and the usage', () => {
    const codes = rows(section('The guard')).map((r) => Number(r[0]));
    expect(codes).toEqual(Object.values(GUARD_EXIT_CODES));
    expect(TEXT).toContain(GUARD_USAGE.replace(/^usage: /, ''));
  });

  test('names only real settings in the table of safe changes', () => {
    const named = rows(section('What changes are safe')).flatMap((r) =>
      [...r[0].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]),
    );
    const values = ['registry', 'at-creation', 'in-place', 'off'];
    // `databaseMultiAz` is a stack prop, marked "(prop)" in the table.
    const unknown = named.filter((n) => !(n in SETTINGS) && !values.includes(n) && n !== 'databaseMultiAz');
    expect(unknown).toEqual([]);
    expect(named.length).toBeGreaterThanOrEqual(25);
  });
});
