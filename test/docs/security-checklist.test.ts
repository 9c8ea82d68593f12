import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CHECKLIST_EVIDENCE,
  CHECKLIST_ITEMS,
  CHECKLIST_RULES,
  ChecklistItem,
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

  test('reports where a rule holds in the default stack: every rule judges something there', () => {
    expect(generated).toMatch(/\| `SchedulingChecklist-C1-Hsts` \|[^\n]*\| 1 resource: compliant \|/);
    expect(generated).toMatch(/\| `SchedulingChecklist-C2-UserPoolMfa` \|[^\n]*\| 1 resource: compliant \|/);
    expect(generated).not.toContain('not checked: nothing to judge');
  });

  test.each(Object.keys(CHECKLIST_ITEMS) as ChecklistItem[])(
    '%s lists the evidence it requires to read met, with the rules that supply it',
    (item) => {
      const start = generated.indexOf(`## ${item}: `);
      const section = generated.slice(start, generated.indexOf('\n## ', start + 1));
      for (const requirement of CHECKLIST_EVIDENCE[item]) {
        const row = section.split('\n').find((line) => line.startsWith(`| ${requirement.evidence} |`));
        expect(row).toContain(
          `| ${requirement.anyOf.map((id) => `\`SchedulingChecklist-${id}\``).join(', ')} | ${requirement.acknowledgedCounts ? 'yes' : 'no'} |`,
        );
      }
    },
  );

  test('says which evidence the default stack supplies: all of it, a second factor included', () => {
    expect(generated).toContain(
      '| An operator sign-in that requires a second factor (a Cognito user pool with MFA on) | `SchedulingChecklist-C2-UserPoolMfa` | no | present: 1 resource |',
    );
    expect(generated).toMatch(/\| `SchedulingChecklist-C10-AlarmActions` \| no \| present: \d+ resources \|/);
    expect(generated).not.toContain('| absent: ');
  });

  test('README links to it', () => {
    expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('(docs/security-checklist.md)');
  });
});
