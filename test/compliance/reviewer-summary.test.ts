import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import {
  addCompliancePacks,
  CHECKLIST_ITEMS,
  ChecklistItem,
  checklistItemOf,
  ChecklistVerdict,
  checklistVerdicts,
  outcomesByRule,
  outcomesToHtml,
  outcomesToMarkdown,
  recordingPack,
  RuleOutcome,
  RuleOutcomeLog,
  SchedulingChecklistChecks,
} from '../../lib';
import { defaultStack, testApp, testStack } from '../support/app';
import { plainTiers } from '../support/tiers';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';

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
        `<tr><td><a href="#${item}">${item}</a></td><td>[^<]*</td><td[^>]*>([^<]*)</td><td>[^<]*</td>(<td[^>]*>\\d+</td>){2}<td([^>]*)>(\\d+)</td>`,
      );
      const [, verdict, , nonCompliantClass, nonCompliant] = totalsRow.exec(html) ?? [];
      expect(Number(nonCompliant)).toBe(own.filter((o) => o.status === 'non-compliant').length);
      // An open finding makes an item not met; so can absent evidence, so no item here reads met without both.
      if (own.length > 0) expect(verdict).toBe('not met');
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

/** What the five packs of the bundled app record on `scope`, as at synth (each rule runs once). */
function outcomesOf(scope: IConstruct): RuleOutcome[] {
  const log = new RuleOutcomeLog();
  for (const Pack of [
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
    SchedulingChecklistChecks,
  ]) {
    recordingPack(Pack, log).validateScope(scope);
  }
  return log.outcomes;
}

/** The verdict on `item` among `verdicts`. */
function verdictOn(verdicts: readonly ChecklistVerdict[], item: ChecklistItem): ChecklistVerdict {
  const verdict = verdicts.find((v) => v.item === item);
  if (!verdict) throw new Error(`no verdict on ${item}`);
  return verdict;
}

/** A sign-in for operators: a Cognito user pool with `mfa` and a password policy of 14 characters of four classes. */
function operatorSignIn(stack: Stack, mfa: cognito.Mfa): cognito.UserPool {
  return new cognito.UserPool(stack, 'Operators', {
    mfa,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
    },
  });
}

const ITEMS = Object.keys(CHECKLIST_ITEMS) as ChecklistItem[];
const SECOND_FACTOR_ABSENT = 'no operator sign-in with a second factor exists in the stack';

describe('the reviewers’ summary of the default stack', () => {
  let verdicts: ChecklistVerdict[];
  let markdown: string;
  let html: string;
  /** The default stack with an existing trail's log group instead of a trail. */
  let variant: ChecklistVerdict[];

  beforeAll(() => {
    const outcomes = outcomesOf(defaultStack());
    verdicts = checklistVerdicts(outcomes);
    markdown = outcomesToMarkdown(outcomes);
    html = outcomesToHtml(outcomes);
    // A variant with an existing trail's log group instead of a trail of the stack (C10).
    const withChanges = defaultStack({ existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs' });
    variant = checklistVerdicts(outcomesOf(withChanges));
  });

  test('C2 reads met from evidence: the operator paths sign in first, at a pool with TOTP and long passwords', () => {
    const c2 = verdictOn(verdicts, 'C2');
    expect(c2.evidence.map((e) => e.resources)).toEqual([
      ['SecureScheduling/LoadBalancer/Resource/HttpsListener/Resource'],
      ['SecureScheduling/OperatorLogin/UserPool/Resource'],
      ['SecureScheduling/OperatorLogin/UserPool/Resource'],
      expect.arrayContaining(['SecureScheduling/Database/Secret/Resource']),
    ]);
    // Threat protection (Cognito Plus) is a priced opt-in, and the app's generated keys are not rotated: both
    // acknowledged with their reasons.
    expect(c2).toMatchObject({ verdict: 'met, with acknowledgements', reasons: [] });
    expect(markdown).toContain(
      '| C2 | Strong unique passwords and two-factor authentication | met, with acknowledgements |',
    );
  });

  test('nothing reads met that no rule judged: the user-pool rules judged the real pool', () => {
    for (const v of verdicts.filter((verdict) => verdict.verdict.startsWith('met'))) {
      expect({ item: v.item, absent: v.evidence.filter((e) => e.resources.length === 0) }).toEqual({
        item: v.item,
        absent: [],
      });
    }
    const c2 = sectionOf(html, 'C2');
    for (const rule of ['C2-UserPoolMfa', 'C2-UserPoolPasswordPolicy', 'C2-OperatorPathsAuthenticate']) {
      expect(c2).toMatch(
        new RegExp(
          `<td class="id">SchedulingChecklist-${rule}</td><td>[^<]*</td><td>1</td><td class="compliant">`,
        ),
      );
    }
  });

  test.each(ITEMS)('%s: the default stack supplies every piece of evidence the item requires', (item) => {
    const absent = verdictOn(verdicts, item).evidence.filter((e) => e.resources.length === 0);
    expect(absent.map((e) => e.requirement.absent)).toEqual([]);
  });

  test('the HTML names the resources that supply the evidence and those of acknowledged findings', () => {
    const c10 = verdictOn(verdicts, 'C10');
    expect(c10.evidence[0].resources).toEqual(['SecureScheduling/AuditTrail/Resource']);
    expect(c10.evidence[2].resources).toContain('SecureScheduling/CisAlarms/RootUsage/Resource');
    const section = sectionOf(html, 'C10');
    expect(section).toContain(
      `<td class="compliant">present</td><td class="path">${c10.evidence[2].resources.join('<br>')}</td>`,
    );
    const acknowledged = verdictOn(verdicts, 'C2').outcomes.filter((o) => o.status === 'acknowledged');
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const o of acknowledged) {
      expect(sectionOf(html, 'C2')).toContain(
        `<td class="id">${escape(o.ruleId)}</td><td class="path">${escape(o.resourcePath)}</td>`,
      );
    }
  });

  test('the HTML names, for each rule of each item, every resource it judged under the outcome it had', () => {
    for (const verdict of verdicts) {
      const section = sectionOf(html, verdict.item);
      for (const [ruleId, outcomes] of outcomesByRule(verdict.outcomes)) {
        const start = section.indexOf(`<td class="id">${escape(ruleId)}</td>`);
        expect({ ruleId, listed: start >= 0 }).toEqual({ ruleId, listed: true });
        const row = section.slice(start, section.indexOf('</tr>', start));
        for (const status of new Set(outcomes.map((o) => o.status))) {
          const own = outcomes.filter((o) => o.status === status);
          const group = row.slice(row.indexOf(`<summary>${own.length} ${status}</summary>`));
          for (const o of own) {
            expect(group).toContain(`<li><code>${escape(o.resourcePath)}</code>`);
          }
        }
      }
    }
  });

  test("with an existing trail's log group instead of a trail, the watched log group is C10's trail evidence", () => {
    const c10 = verdictOn(variant, 'C10');
    expect(c10.outcomes.some((o) => o.ruleId.startsWith('SchedulingChecklist-C10-AuditTrail'))).toBe(false);
    expect(c10.evidence[0].resources).toEqual([
      expect.stringMatching(/^SecureScheduling\/CisAlarms\/.*Filter\//),
    ]);
    expect(c10.evidence[0].resources).toEqual(c10.evidence[1].resources);
  });
});

describe('the reviewers’ summary of stacks without a trail', () => {
  let alarmsOnly: ChecklistVerdict[];
  let keyOnly: RuleOutcome[];
  let operatorsWithOptionalMfa: ChecklistVerdict[];

  beforeAll(() => {
    const app = testApp();
    // Alarms that notify, on a log group of the stack, but no trail and no existing trail's log group.
    const alarms = testStack(app, 'Alarms');
    const key = new SeparatedDutiesKey(alarms, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(alarms, 'Topic', { masterKey: key });
    const logGroup = new logs.LogGroup(alarms, 'Logs', {
      encryptionKey: key,
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    new logs.MetricFilter(alarms, 'Errors', {
      logGroup,
      filterPattern: logs.FilterPattern.literal('ERROR'),
      metricNamespace: 'App',
      metricName: 'Errors',
    })
      .metric({ period: Duration.minutes(5) })
      .createAlarm(alarms, 'ErrorsAlarm', {
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      })
      .addAlarmAction(new actions.SnsAction(topic));
    // Only a key: nothing any rule of C9 or C10 could judge.
    const bare = testStack(app, 'KeyOnly');
    new SeparatedDutiesKey(bare, 'Key', { enableKeyRotation: true });
    const optional = testStack(app, 'OptionalMfa');
    operatorSignIn(optional, cognito.Mfa.OPTIONAL);
    alarmsOnly = checklistVerdicts(outcomesOf(alarms));
    keyOnly = outcomesOf(bare);
    operatorsWithOptionalMfa = checklistVerdicts(outcomesOf(optional));
  });

  test('C10 is not met when alarms notify but no trail logs the account', () => {
    const c10 = verdictOn(alarmsOnly, 'C10');
    expect(c10.evidence[2].resources).toEqual(['Alarms/ErrorsAlarm/Resource']);
    expect(c10.verdict).toBe('not met');
    expect(c10.reasons).toEqual([
      "no trail logging this account exists in the stack, and no existing trail's log group is named",
      "no alarm watches a trail's log group for the CIS benchmark's risky changes",
      "no trail bucket of the stack was proven locked and watched (a reused trail's bucket is its owner's to lock: check it there)",
    ]);
  });

  test('an item whose rules all judged nothing reads not checked, and so does each of its rules', () => {
    const verdicts = checklistVerdicts(keyOnly);
    expect(verdictOn(verdicts, 'C10').verdict).toBe('not checked');
    expect(verdictOn(verdicts, 'C9').verdict).toBe('not checked');
    // The key itself was judged: C5 has something to say, and lacks the rest of its evidence.
    expect(verdictOn(verdicts, 'C5').verdict).toBe('not met');
    const section = sectionOf(outcomesToHtml(keyOnly), 'C10');
    expect(section).toContain('<p>Not checked: no rule had a resource to judge for this item.</p>');
    expect(section.match(/<td class="not-applicable">not checked<\/td>/g)).toHaveLength(7);
    expect(section).not.toContain('<td class="compliant">');
  });

  test('a user pool with optional MFA is an open C2 finding, never the second factor', () => {
    const c2 = verdictOn(operatorsWithOptionalMfa, 'C2');
    expect(c2.verdict).toBe('not met');
    expect(c2.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d+ open findings?$/), SECOND_FACTOR_ABSENT]),
    );
    expect(c2.outcomes.filter((o) => o.status === 'non-compliant').map((o) => o.ruleId)).toContain(
      'SchedulingChecklist-C2-UserPoolMfa',
    );
    expect(c2.evidence[2].resources).toEqual(['OptionalMfa/Operators/Resource']);
  });
});
