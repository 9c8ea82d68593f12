import { App, Stack } from 'aws-cdk-lib';
import {
  addCompliancePacks,
  CHECKLIST_ITEMS,
  ChecklistItem,
  checklistItemOf,
  outcomesToHtml,
  RuleOutcome,
  RuleOutcomeLog,
} from '../../lib';
import { plainTiers } from '../support/tiers';

/** The HTML of one checklist item's section: from its heading to the next. */
function sectionOf(html: string, item: ChecklistItem): string {
  const start = html.indexOf(`<h2 id="${item}">${item}: `);
  const end = html.indexOf('<h2', start + 1);
  return html.slice(start, end < 0 ? undefined : end);
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

describe('the reviewers’ HTML summary of an app with findings', () => {
  let open: RuleOutcome[];
  let html: string;
  let synthError: unknown;

  beforeAll(() => {
    // Database, backups, trail, alarms, topic and function written plainly, not hardened: findings under most items.
    const app = new App({ builtinCloudFormationValidation: false });
    plainTiers(new Stack(app, 'Tiers', { env: { account: '111111111111', region: 'eu-west-1' } }));
    const log = new RuleOutcomeLog();
    addCompliancePacks(app, { outcomes: log });
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    open = log.outcomes.filter((o) => o.status === 'non-compliant' || o.status === 'error');
    html = outcomesToHtml(log.outcomes);
  });

  test('synth failed, and the page says so first, with the number of open findings', () => {
    expect(String(synthError)).toContain('ValidationFailed');
    expect(open.length).toBeGreaterThan(20);
    expect(html).toContain(
      `<p class="alert">${open.length} findings are neither fixed nor acknowledged: synth failed.</p>`,
    );
    expect(html.indexOf('class="alert"')).toBeLessThan(html.indexOf('<h2>'));
  });

  test('findings of every pack are grouped under most checklist items', () => {
    const items = new Set(open.map(checklistItemOf));
    expect([...items].filter((i) => i !== undefined).length).toBeGreaterThanOrEqual(7);
    expect(new Set(open.map((o) => o.pack))).toEqual(
      new Set(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'SchedulingChecklist']),
    );
  });

  test.each(Object.keys(CHECKLIST_ITEMS) as ChecklistItem[])(
    '%s: its totals row and its section list exactly its open findings, each with resource and finding',
    (item) => {
      const own = open.filter((o) => checklistItemOf(o) === item);
      const section = sectionOf(html, item);
      const totalsRow = new RegExp(
        `<tr><td><a href="#${item}">${item}</a></td><td>[^<]*</td><td[^>]*>([^<]*)</td>(<td[^>]*>\\d+</td>){2}<td([^>]*)>(\\d+)</td>`,
      );
      const [, verdict, , nonCompliantClass, nonCompliant] = totalsRow.exec(html) ?? [];
      expect(Number(nonCompliant)).toBe(own.filter((o) => o.status === 'non-compliant').length);
      expect(verdict === 'not met').toBe(own.length > 0);
      expect(section).toContain(`${verdict.charAt(0).toUpperCase()}${verdict.slice(1)}`);
      if (own.length === 0) {
        expect(section).not.toContain('Open findings');
        return;
      }
      expect(nonCompliantClass).toBe(' class="non-compliant"');
      expect(section).toContain('<p class="alert">Open findings:</p>');
      const table = section.slice(section.indexOf('Open findings:'));
      for (const o of own) {
        expect(table).toContain(
          `<tr><td class="id">${escape(o.ruleId)}</td><td class="path">${escape(o.resourcePath)}</td>`,
        );
      }
      expect(table.match(/<tr><td/g)?.length).toBe(own.length);
      // The standard's control ids are listed once, with the rule; a rule that failed on a resource says why.
      expect(table).not.toContain('(Control ID');
      expect(table.includes('Could not be judged at synth')).toBe(own.some((o) => o.status === 'error'));
    },
  );
});
