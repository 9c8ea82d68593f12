import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CHECKLIST_RULES,
  recordingPack,
  RuleOutcomeLog,
  SchedulingChecklistChecks,
  securityChecklistMarkdown,
} from '../../lib';
import { defaultStack } from '../support/app';

const ROOT = path.join(__dirname, '..', '..');

describe('docs/security-checklist.md', () => {
  let generated: string;
  let committed: string;

  beforeAll(() => {
    const log = new RuleOutcomeLog();
    recordingPack(SchedulingChecklistChecks, log).validateScope(defaultStack());
    generated = securityChecklistMarkdown(log.outcomes);
    committed = readFileSync(path.join(ROOT, 'docs', 'security-checklist.md'), 'utf8');
  });

  test('is what `npm run docs:checklist` generates from the rule metadata and the default stack', () => {
    // On a difference, run `npm run docs:checklist` and review the change.
    expect(committed).toBe(generated);
  });

  test.each(CHECKLIST_RULES.map((r) => [r.id, r] as const))(
    '%s has its row, with the default that satisfies it and its test',
    (id, rule) => {
      const row = generated.split('\n').find((line) => line.startsWith(`| \`SchedulingChecklist-${id}\` |`));
      expect(row).toContain(rule.satisfiedBy);
      expect(row).toContain(`\`test/compliance/checklist-rules.test.ts\` › \`${id}\``);
    },
  );

  test('reports where a rule holds in the default stack, and where it has nothing to judge', () => {
    expect(generated).toMatch(/\| `SchedulingChecklist-C1-Hsts` \|[^\n]*\| 1 resource: compliant \|/);
    expect(generated).toMatch(
      /\| `SchedulingChecklist-C2-UserPoolMfa` \|[^\n]*\| not applicable: no such resource \|/,
    );
  });

  test('README links to it', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('(docs/security-checklist.md)');
  });
});
