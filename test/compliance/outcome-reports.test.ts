import {
  CHECKLIST_EVIDENCE,
  CHECKLIST_ITEMS,
  CHECKLIST_RULES,
  ChecklistItem,
  checklistItemOf,
  checklistVerdicts,
  NOTHING_JUDGED,
  OutcomeStatus,
  outcomesToCsv,
  outcomesToHtml,
  outcomesToJson,
  outcomesToMarkdown,
  outcomesToSarif,
  RuleOutcome,
  SarifPlace,
  verdictLine,
} from '../../lib';
import { OPEN_FINDING } from '../support/outcomes';
import { sarifProblems } from '../support/sarif';

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
  test('JSON totals count each status per pack, give each item its verdict, then list every outcome', () => {
    const report = JSON.parse(outcomesToJson(OUTCOMES));
    expect(report.totals).toEqual({
      AwsSolutions: { compliant: 1, acknowledged: 1 },
      SchedulingChecklist: { 'non-compliant': 1 },
    });
    expect(report.outcomes).toEqual(OUTCOMES);
    expect(report.verdicts).toHaveLength(10);
    expect(report.verdicts.find((v: { item: string }) => v.item === 'C7')).toEqual({
      item: 'C7',
      verdict: 'not met',
      reasons: [
        '1 open finding',
        'no log group with a retention limit exists in the stack',
        "no log group that receives the app's or WAF's logs masks email addresses",
      ],
      evidence: [
        { evidence: 'Log groups that keep their events for a limited time', resources: [] },
        {
          evidence:
            "The log groups of the app's and the firewall's logs, masking email addresses as they ingest them",
          resources: [],
        },
      ],
    });
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
      message: {
        text: 'The IAM entity contains wildcard permissions. [AwsSolutions-IAM5[Resource::*] at S/Role/Policy/Resource]',
      },
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

  describe('SARIF a code scanner can place', () => {
    const places: Record<string, SarifPlace> = {
      'S/Role/Policy/Resource': {
        source: { uri: 'lib/access/role.ts', line: 42, column: 7 },
        template: { uri: 'cdk.out/S.template.json', line: 310 },
        logicalId: 'RolePolicy12AB',
        stack: 'S',
        region: 'eu-west-1',
        account: '111111111111',
      },
      // Made where no frame of the app's own code was recorded: the template is all there is.
      'S/Logs/Resource': {
        template: { uri: 'cdk.out/S.template.json', line: 12 },
        logicalId: 'Logs6819BB44',
        stack: 'S',
        region: 'eu-west-1',
      },
    };
    const sarif = JSON.parse(outcomesToSarif(OUTCOMES, (path) => places[path]));
    const [acknowledged, open] = sarif.runs[0].results;

    test('meets the essentials of the SARIF 2.1.0 schema', () => {
      expect(sarifProblems(sarif)).toEqual([]);
      expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
      expect(sarif.runs[0].tool.driver.rules[1]).toMatchObject({
        id: 'SchedulingChecklist-C7-LogRetention',
        defaultConfiguration: { level: 'error' },
        properties: { pack: 'SchedulingChecklist', checklistItem: 'C7' },
      });
    });

    test('a result points at the line of code that created the resource, and at the resource in the template', () => {
      expect(acknowledged.locations).toEqual([
        {
          physicalLocation: {
            artifactLocation: { uri: 'lib/access/role.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 42, startColumn: 7 },
          },
          logicalLocations: [
            { name: 'RolePolicy12AB', fullyQualifiedName: 'S/Role/Policy/Resource', kind: 'resource' },
          ],
        },
      ]);
      expect(acknowledged.relatedLocations).toEqual([
        expect.objectContaining({
          physicalLocation: {
            artifactLocation: { uri: 'cdk.out/S.template.json', uriBaseId: '%SRCROOT%' },
            region: { startLine: 310 },
          },
        }),
      ]);
      expect(acknowledged.properties).toEqual({
        constructPath: 'S/Role/Policy/Resource',
        stack: 'S',
        logicalId: 'RolePolicy12AB',
        region: 'eu-west-1',
        account: '111111111111',
      });
    });

    test('without a frame of the app, it points at the template, names the logical id and gives the region', () => {
      expect(open.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'cdk.out/S.template.json', uriBaseId: '%SRCROOT%' },
        region: { startLine: 12 },
      });
      expect(open.locations[0].logicalLocations[0].name).toBe('Logs6819BB44');
      expect(open.properties.region).toBe('eu-west-1');
      expect(open.relatedLocations).toBeUndefined();
    });

    test('a template outside the repository is named by an absolute URI, with no base', () => {
      const outside = JSON.parse(
        outcomesToSarif([OPEN_FINDING], () => ({ template: { uri: 'file:///builds/out/S.template.json' } })),
      );
      expect(sarifProblems(outside)).toEqual([]);
      expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
        uri: 'file:///builds/out/S.template.json',
      });
    });
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
    expect(markdown).toContain(
      "| C7 | Limit the data collected and kept | not met | 1 open finding; no log group with a retention limit exists in the stack; no log group that receives the app's or WAF's logs masks email addresses | 0 | 0 | 1 | 0 |",
    );
    // An acknowledged finding is no evidence: nothing here shows a private database or scoped policies.
    expect(markdown).toContain(
      '| C3 | Restrict internal access; least privilege for whoever administers it | not met | no database was proven unreachable from the internet;',
    );
    expect(markdown).toContain(
      '| C9 | Test for vulnerabilities | not checked | no rule had a resource to judge for this item |',
    );
    expect(markdown).toContain(
      "## C7: Limit the data collected and kept\n\n**Not met**: 1 open finding; no log group with a retention limit exists in the stack; no log group that receives the app's or WAF's logs masks email addresses.",
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
    expect(c10).toMatch(/\| SchedulingChecklist-C10-VpcFlowLogs \|[^\n]*\| 0 \| not checked \|/);
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

  test('the HTML summary names each resource of each rule by outcome, with reasons, and collapses long lists', () => {
    const compliant = (n: number): RuleOutcome => ({ ...OUTCOMES[0], resourcePath: `S/Bucket${n}/Resource` });
    const acknowledged = {
      ...OUTCOMES[1],
      acknowledgement: { constructPath: 'S/Role', reason: '[C3] Token only, by design.' },
    };
    const retention = (n: number, status: OutcomeStatus): RuleOutcome => ({
      ...OPEN_FINDING,
      resourcePath: `S/Logs${n}/Resource`,
      status,
    });
    const html = outcomesToHtml([
      ...[1, 2, 3, 4].map(compliant),
      acknowledged,
      ...[1, 2, 3, 4, 5].map((n) => retention(n, 'compliant')),
      retention(6, 'non-compliant'),
    ]);
    const c7 = html.slice(html.indexOf('<h2 id="C7">'), html.indexOf('<h2 id="C8">'));
    const row = c7.slice(c7.indexOf('<td class="id">SchedulingChecklist-C7-LogRetention</td>'));
    // Five compliant log groups: more than three, so collapsed under their count; the open one always shown.
    expect(row).toContain(
      '<details><summary>5 compliant</summary><ul class="resources"><li><code>S/Logs1/Resource</code></li>',
    );
    expect(row).toContain('<li><code>S/Logs5/Resource</code></li></ul></details>');
    expect(row).toContain(
      '<details open><summary>1 non-compliant</summary><ul class="resources"><li><code>S/Logs6/Resource</code> <span class="reason">— The log group keeps its logs forever.</span></li></ul></details>',
    );
    // An acknowledged finding names its resource, the finding it reports and the reason, in the rule's row.
    const c3 = html.slice(html.indexOf('<h2 id="C3">'), html.indexOf('<h2 id="C4">'));
    expect(c3).toContain(
      '<details open><summary>1 acknowledged</summary><ul class="resources"><li><code>S/Role/Policy/Resource</code> [Resource::*] <span class="reason">— Token only, by design.</span></li></ul></details>',
    );
    const c10 = html.slice(html.indexOf('<h2 id="C10">'));
    expect(c10).toContain('<details><summary>4 compliant</summary>');
  });
});

/** What the checklist pack recorded for rule `id` (`C9-LoadBalancerWebAcl`) on the resource at `path`. */
const checked = (id: string, status: OutcomeStatus, path = `S/${id}/Resource`): RuleOutcome => ({
  pack: 'SchedulingChecklist',
  ruleId: `SchedulingChecklist-${id}`,
  resourcePath: path,
  status,
  level: 'Error',
  info: `${id} finding.`,
  acknowledgement:
    status === 'acknowledged' ? { constructPath: path, reason: 'Accepted for a stated reason.' } : undefined,
});

/** A compliant outcome of the first rule of each piece of evidence `item` requires: all its evidence present. */
const evidenceOf = (item: ChecklistItem) =>
  CHECKLIST_EVIDENCE[item].map((requirement) => checked(requirement.anyOf[0], 'compliant'));

const verdictOn = (item: ChecklistItem, outcomes: readonly RuleOutcome[]) => {
  const verdict = checklistVerdicts(outcomes).find((v) => v.item === item);
  if (!verdict) throw new Error(`no verdict on ${item}`);
  return verdict;
};

describe('checklist verdicts', () => {
  describe('the evidence table', () => {
    test.each(Object.keys(CHECKLIST_ITEMS) as ChecklistItem[])(
      '%s requires evidence, each from rules of the checklist pack that serve it',
      (item) => {
        expect(CHECKLIST_EVIDENCE[item].length).toBeGreaterThan(0);
        for (const requirement of CHECKLIST_EVIDENCE[item]) {
          expect(requirement.anyOf.length).toBeGreaterThan(0);
          for (const id of requirement.anyOf) {
            expect(CHECKLIST_RULES.find((r) => r.id === id)?.checklist).toBe(item);
          }
          expect(requirement.absent).toMatch(/^no /);
        }
      },
    );

    test.each(
      (Object.keys(CHECKLIST_ITEMS) as ChecklistItem[]).flatMap((item) =>
        CHECKLIST_EVIDENCE[item].map((requirement, index) => [item, requirement.evidence, index] as const),
      ),
    )('%s is not met without "%s", whatever the rest of its evidence', (item, _evidence, index) => {
      const requirement = CHECKLIST_EVIDENCE[item][index];
      const rest = evidenceOf(item).filter(
        (o) => !requirement.anyOf.some((id) => o.ruleId === `SchedulingChecklist-${id}`),
      );
      // Something else was judged under the item: a finding of a shipped rule, accepted in the item's name.
      const elsewhere = {
        ...OUTCOMES[1],
        acknowledgement: { constructPath: 'S/Role', reason: `[${item}] Accepted.` },
      };
      expect(verdictOn(item, evidenceOf(item)).verdict).toBe('met');
      expect(verdictOn(item, rest).verdict).not.toMatch(/^met/);
      const without = verdictOn(item, [...rest, elsewhere]);
      expect(without.verdict).toBe('not met');
      expect(without.reasons).toContain(requirement.absent);
      // The rule of the missing evidence judged a resource and found it wanting.
      const weak = checked(requirement.anyOf[0], 'non-compliant', 'S/Weak/Resource');
      expect(verdictOn(item, [...rest, weak]).reasons).toEqual(
        expect.arrayContaining(['1 open finding', requirement.absent]),
      );
    });
  });

  describe('the verdict vocabulary', () => {
    const webAcl = checked('C9-LoadBalancerWebAcl', 'compliant', 'S/LoadBalancer/Resource');
    // C9's second piece of evidence, present in every case below but the one that leaves all evidence out.
    const ownNames = checked('C9-ListenerAnswersOwnNames', 'compliant', 'S/LoadBalancer/Https/Resource');

    test('met: the evidence is present and every outcome passed; the evidence names its resource', () => {
      const verdict = verdictOn('C9', [webAcl, ownNames]);
      expect(verdict).toMatchObject({ verdict: 'met', reasons: [] });
      expect(verdict.evidence.map((e) => e.resources)).toEqual([
        ['S/LoadBalancer/Resource'],
        ['S/LoadBalancer/Https/Resource'],
      ]);
      expect(verdictLine(verdict)).toBe('C9 met');
    });

    test('met, with acknowledgements: the evidence is present and a finding was accepted with a reason', () => {
      const accepted = { ...OUTCOMES[1], ruleId: 'PCI.DSS.321-ALBWAFEnabled' };
      expect(verdictOn('C9', [webAcl, ownNames, accepted]).verdict).toBe('met, with acknowledgements');
    });

    test('not met: a shipped rule passed, but nothing supplies the evidence the item requires', () => {
      const shippedOnly = { ...OUTCOMES[0], ruleId: 'NIST.800.53.R5-ALBWAFEnabled' };
      const verdict = verdictOn('C9', [shippedOnly, ownNames]);
      expect(verdict.verdict).toBe('not met');
      expect(verdictLine(verdict)).toBe(
        'C9 not met: no load balancer is protected by a web ACL with managed rules and a rate limit',
      );
    });

    test('not met: an open finding, even where other resources supply the evidence', () => {
      const open = checked('C9-LoadBalancerWebAcl', 'non-compliant', 'S/Internal/Resource');
      expect(verdictOn('C9', [webAcl, ownNames, open])).toMatchObject({
        verdict: 'not met',
        reasons: ['1 open finding'],
      });
    });

    test('not checked: no rule had a resource to judge', () => {
      const verdict = verdictOn('C9', [OPEN_FINDING]);
      expect(verdict).toMatchObject({ verdict: 'not checked', reasons: [NOTHING_JUDGED] });
      expect(verdictLine(verdict)).toBe(`C9 not checked: ${NOTHING_JUDGED}`);
    });
  });

  describe('what counts as evidence', () => {
    test('an acknowledged user pool without MFA is no second factor', () => {
      const c2 = verdictOn('C2', [
        checked('C2-OperatorPathsAuthenticate', 'compliant', 'S/LoadBalancer/Https/Resource'),
        checked('C2-UserPoolMfa', 'acknowledged', 'S/Pool/Resource'),
        checked('C2-UserPoolPasswordPolicy', 'acknowledged', 'S/Pool/Resource'),
        checked('C2-NoLiteralSecrets', 'compliant'),
      ]);
      expect(c2.verdict).toBe('not met');
      expect(c2.reasons).toEqual(['no operator sign-in with a second factor exists in the stack']);
      // The password policy judges how strong a pool's passwords are: an accepted shortfall still leaves the pool.
      expect(c2.evidence[2].resources).toEqual(['S/Pool/Resource']);
    });

    test("an acknowledged shortfall of a real trail still logs the account; an existing trail's watched log group does too", () => {
      const alarms = [
        checked('C10-CisChangeAlarms', 'compliant', 'S/Filter/Resource'),
        checked('C10-AlarmActions', 'compliant'),
      ];
      const trail = {
        ...checked('C10-AuditTrail', 'acknowledged', 'S/Trail/Resource'),
        ruleId: 'SchedulingChecklist-C10-AuditTrail[multi-region]',
      };
      expect(verdictOn('C10', [trail, ...alarms]).evidence[0].resources).toEqual([
        'S/Filter/Resource',
        'S/Trail/Resource',
      ]);
      // A reused trail's bucket is not this stack's to lock: its alarms log the account, but the lock stays unproven.
      expect(verdictOn('C10', alarms).verdict).toBe('not met');
      expect(verdictOn('C10', alarms).reasons).toEqual([
        "no trail bucket of the stack was proven locked and watched (a reused trail's bucket is its owner's to lock: check it there)",
      ]);
      expect(
        verdictOn('C10', [...alarms, checked('C10-TrailEvidenceLocked', 'compliant', 'S/Trail/Resource')])
          .verdict,
      ).toBe('met');
    });

    test('a resource with an open finding of the rule supplies no evidence, whatever else the rule accepted there', () => {
      const trail = (finding: string, status: OutcomeStatus) => ({
        ...checked('C10-AuditTrail', status, 'S/Trail/Resource'),
        ruleId: `SchedulingChecklist-C10-AuditTrail[${finding}]`,
      });
      const c10 = verdictOn('C10', [
        trail('multi-region', 'acknowledged'),
        trail('logging', 'non-compliant'),
        checked('C10-AlarmActions', 'compliant'),
      ]);
      expect(c10.evidence[0].resources).toEqual([]);
      expect(c10.reasons).toEqual([
        '1 open finding',
        "no trail logging this account exists in the stack, and no existing trail's log group is named",
        "no alarm watches a trail's log group for the CIS benchmark's risky changes",
        "no trail bucket of the stack was proven locked and watched (a reused trail's bucket is its owner's to lock: check it there)",
      ]);
    });

    test('a stack with no trail is never met on C10: not met where its alarms were judged', () => {
      const c10 = verdictOn('C10', [
        checked('C10-AlarmActions', 'compliant'),
        checked('C10-VpcFlowLogs', 'compliant'),
      ]);
      expect(c10.verdict).toBe('not met');
      expect(c10.reasons[0]).toMatch(/^no trail logging this account/);
    });
  });

  describe('the summary', () => {
    const c2 = [
      checked('C2-OperatorPathsAuthenticate', 'compliant', 'S/LoadBalancer/Https/Resource'),
      checked('C2-UserPoolMfa', 'compliant', 'S/Operators/Resource'),
      checked('C2-UserPoolPasswordPolicy', 'compliant', 'S/Operators/Resource'),
      checked('C2-NoLiteralSecrets', 'compliant', 'S/Db/Secret/Resource'),
      checked('C2-NoLiteralSecrets', 'compliant', 'S/App/TaskDefinition/Resource'),
    ];

    test('Markdown: each item lists the evidence it requires, whether present, and the resources that supply it', () => {
      const markdown = outcomesToMarkdown([...c2, OPEN_FINDING]);
      const section = markdown.slice(markdown.indexOf('## C2:'), markdown.indexOf('## C3:'));
      expect(section).toContain(
        'Met: every piece of evidence it requires is present, and every outcome passed.',
      );
      expect(section).toContain(
        '| Database and app credentials generated by Secrets Manager, never written into the template | SchedulingChecklist-C2-NoLiteralSecrets (compliant) | present | S/App/TaskDefinition/Resource, S/Db/Secret/Resource |',
      );
      expect(markdown).toContain(
        '**Checklist items not met**: C7; not checked: C1, C3, C4, C5, C6, C8, C9, C10.',
      );
      const c9 = markdown.slice(markdown.indexOf('## C9:'), markdown.indexOf('## C10:'));
      expect(c9).toContain('Not checked: no rule had a resource to judge for this item.');
      expect(c9).toMatch(/\| SchedulingChecklist-C9-LoadBalancerWebAcl \|[^\n]*\| 0 \| not checked \|/);
      expect(c9).toContain(
        '| An internet-facing load balancer behind a web ACL with managed rule groups and a rate limit | SchedulingChecklist-C9-LoadBalancerWebAcl (compliant) | absent: no load balancer is protected by a web ACL with managed rules and a rate limit | — |',
      );
      expect(c9).toContain(
        'Rules of the shipped packs for this item that had nothing to judge (not checked): ALBHttpDropInvalidHeaderEnabled, ALBWAFEnabled.',
      );
    });

    test('HTML: the resources behind the evidence, one per line, and absent evidence marked', () => {
      const html = outcomesToHtml([...c2, OPEN_FINDING]);
      expect(html).toContain(
        '<td class="compliant">present</td><td class="path">S/App/TaskDefinition/Resource<br>S/Db/Secret/Resource</td>',
      );
      expect(html).toContain(
        '<td class="non-compliant">absent: no load balancer is protected by a web ACL with managed rules and a rate limit</td><td class="path">—</td>',
      );
      expect(html).toContain('<td class="compliant">met</td>');
      expect(html).toContain('<td class="not-applicable">not checked</td>');
    });
  });
});
