import {
  checklistItemOf,
  outcomesToCsv,
  outcomesToHtml,
  outcomesToJson,
  outcomesToMarkdown,
  outcomesToSarif,
  RuleOutcome,
} from '../../lib';
import { OPEN_FINDING } from '../support/outcomes';

const OUTCOMES: RuleOutcome[] = [
  {
    pack: 'AwsSolutions',
    ruleId: 'AwsSolutions-S1',
    resourcePath: 'S/Bucket/Resource',
    status: 'compliant',
    level: 'Error',
    info: 'The bucket has no access logs.',
  },
  {
    pack: 'AwsSolutions',
    ruleId: 'AwsSolutions-IAM5[Resource::*]',
    resourcePath: 'S/Role/Policy/Resource',
    status: 'acknowledged',
    level: 'Error',
    info: 'The IAM entity contains wildcard permissions.',
    acknowledgement: {
      constructPath: 'S/Role',
      reason: 'The token action, "GetAuthorizationToken", has no resource, by design',
    },
  },
  OPEN_FINDING,
];

describe('outcome reports', () => {
  test('JSON totals count each status per pack, then list every outcome', () => {
    const report = JSON.parse(outcomesToJson(OUTCOMES));
    expect(report.totals).toEqual({
      AwsSolutions: { compliant: 1, acknowledged: 1 },
      SchedulingChecklist: { 'non-compliant': 1 },
    });
    expect(report.outcomes).toEqual(OUTCOMES);
  });

  test('CSV has one line per outcome and quotes commas and double quotes', () => {
    const lines = outcomesToCsv(OUTCOMES).split('\r\n');
    expect(lines[0]).toBe('pack,ruleId,level,resourcePath,status,finding,acknowledgedAt,reason');
    expect(lines[1]).toBe('AwsSolutions,AwsSolutions-S1,Error,S/Bucket/Resource,compliant,,,');
    expect(lines[2]).toBe(
      'AwsSolutions,AwsSolutions-IAM5[Resource::*],Error,S/Role/Policy/Resource,acknowledged,The IAM entity contains wildcard permissions.,S/Role,"The token action, ""GetAuthorizationToken"", has no resource, by design"',
    );
    expect(lines[3]).toBe(
      'SchedulingChecklist,SchedulingChecklist-C7-LogRetention,Error,S/Logs/Resource,non-compliant,The log group keeps its logs forever.,,',
    );
    expect(lines).toHaveLength(5); // header, three outcomes, and the final line break
  });

  test('SARIF 2.1.0 lists each finding once, acknowledged ones as accepted suppressions with their reason', () => {
    const sarif = JSON.parse(outcomesToSarif(OUTCOMES));
    expect(sarif.version).toBe('2.1.0');
    const [run] = sarif.runs;
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'AwsSolutions-IAM5',
      'SchedulingChecklist-C7-LogRetention',
    ]);
    expect(run.results).toHaveLength(2);
    expect(run.results[0]).toMatchObject({
      ruleId: 'AwsSolutions-IAM5',
      level: 'error',
      message: { text: 'The IAM entity contains wildcard permissions. [AwsSolutions-IAM5[Resource::*]]' },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'S.template.json' } },
          logicalLocations: [{ fullyQualifiedName: 'S/Role/Policy/Resource', kind: 'resource' }],
        },
      ],
      suppressions: [
        {
          kind: 'external',
          status: 'accepted',
          justification: expect.stringContaining('GetAuthorizationToken'),
        },
      ],
    });
    expect(run.results[1].suppressions).toBeUndefined();
  });

  test("outcomes belong to the checklist item of their rule, their acknowledgement, or the shipped rule's item", () => {
    const acknowledged = {
      ...OUTCOMES[1],
      acknowledgement: { constructPath: 'S/Role', reason: '[C5] Token only.' },
    };
    expect(checklistItemOf(OUTCOMES[2])).toBe('C7');
    // The acknowledgement names the item it waives, even where the rule's own item differs.
    expect(checklistItemOf(acknowledged)).toBe('C5');
    expect(checklistItemOf(OUTCOMES[1])).toBe('C3');
    expect(checklistItemOf(OUTCOMES[0])).toBe('C10');
    expect(
      checklistItemOf({ ...OUTCOMES[0], pack: 'PCI.DSS.321', ruleId: 'PCI.DSS.321-RDSStorageEncrypted' }),
    ).toBe('C5');
    // Template hygiene, and a rule the table does not know, belong to no item.
    expect(checklistItemOf({ ...OUTCOMES[0], ruleId: 'AwsSolutions-EC27' })).toBeUndefined();
    expect(checklistItemOf({ ...OUTCOMES[0], ruleId: 'AwsSolutions-XYZ1' })).toBeUndefined();
  });

  test('the Markdown summary says synth failed, and lists open and acknowledged findings under their item', () => {
    const acknowledged = {
      ...OUTCOMES[1],
      acknowledgement: { constructPath: 'S/Role', reason: '[C3] Token only | by design.' },
    };
    const markdown = outcomesToMarkdown([OUTCOMES[0], acknowledged, OUTCOMES[2]]);
    expect(markdown).toContain('**1 findings are neither fixed nor acknowledged**: synth failed.');
    expect(markdown).toContain('| AwsSolutions | 1 | 1 | 0 | 0 |');
    expect(markdown).toContain('| C7 | Limit the data collected and kept | not met | 0 | 0 | 1 | 0 |');
    expect(markdown).toContain(
      '| C3 | Restrict internal access; least privilege for whoever administers it | met, with acknowledgements |',
    );
    expect(markdown).toContain('| C9 | Test for vulnerabilities | nothing to check |');
    expect(markdown).toContain(
      '## C7: Limit the data collected and kept\n\n**Not met**: 1 open findings, listed at the end of this section.',
    );
    const c3 = markdown.slice(markdown.indexOf('## C3:'), markdown.indexOf('## C4:'));
    expect(c3).toContain(
      '| AwsSolutions-IAM5[Resource::*] | S/Role/Policy/Resource | Token only \\| by design. |',
    );
    const c7 = markdown.slice(markdown.indexOf('## C7:'), markdown.indexOf('## C8:'));
    expect(c7).toContain('| SchedulingChecklist-C7-LogRetention |');
    expect(c7).toContain(
      '| SchedulingChecklist-C7-LogRetention | S/Logs/Resource | The log group keeps its logs forever. |',
    );
    const c10 = markdown.slice(markdown.indexOf('## C10:'));
    expect(c10).toContain('Rules of the shipped packs for this item:');
    expect(c10).toContain('| AwsSolutions-S1 | The bucket has no access logs. | 1 | 1 compliant |');
    expect(c10).toContain('| SchedulingChecklist-C10-VpcFlowLogs |');
    expect(c10).toMatch(/\| SchedulingChecklist-C10-VpcFlowLogs \|[^\n]*\| 0 \| not applicable \|/);
  });

  test('the HTML summary is one self-contained page, escapes what it quotes, and marks open findings', () => {
    const acknowledged = {
      ...OUTCOMES[1],
      acknowledgement: { constructPath: 'S/Role', reason: '[C3] <b>Token</b> & only.' },
    };
    const html = outcomesToHtml([OUTCOMES[0], acknowledged, OUTCOMES[2]]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Links only within the page: from the totals to each checklist item's section.
    expect(html).not.toMatch(/<script|<link|src=|href="(?!#C\d+")/i);
    expect(html).toContain('<td><a href="#C7">C7</a></td>');
    expect(html).toContain('<h2 id="C7">C7: Limit the data collected and kept</h2>');
    expect(html).toContain('<td>&lt;b&gt;Token&lt;/b&gt; &amp; only.</td>');
    expect(html).toContain(
      '<p class="alert">1 findings are neither fixed nor acknowledged: synth failed.</p>',
    );
    expect(html).toContain('<td class="non-compliant">1</td>');
  });
});
