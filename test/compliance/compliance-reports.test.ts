import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { addCompliancePacks, CHECKLIST_ITEMS, OUTCOME_REPORT_FILES } from '../../lib';
import { COMPLIANCE_PLUGIN_NAME, VERDICT_SEVERITY } from '../../lib/compliance/compliance-reports';
import { sarifProblems } from '../support/sarif';
import { xmlProblems } from '../support/xml';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';

const REPORT_FILES = Object.values(OUTCOME_REPORT_FILES).sort();
const ENV = { account: '111111111111', region: 'eu-west-1' };
const REASON =
  'Kept for the legal hold of an ongoing investigation, as agreed with the data protection officer.';

interface ValidationReport {
  readonly pluginReports: Array<{
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: Array<{
      ruleName: string;
      severity: string;
      customSeverity?: string;
      description: string;
    }>;
  }>;
}

/**
 * Synthesizes `app` as a consumer's app would, with what aws-cdk-lib prints captured: run in a test, it prints
 * the validation report itself (under the CDK CLI, the CLI prints the same report, formatted the same way).
 */
function synthesize(app: App): { printed: string; error?: Error } {
  const printed: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    app.synth();
    return { printed: printed.join('\n') };
  } catch (error) {
    return { printed: printed.join('\n'), error: error as Error };
  } finally {
    spy.mockRestore();
  }
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The line of this file that holds `code`, from 1. */
function lineOf(code: string): number {
  const lines = readFileSync(__filename, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(code));
  expect(index).toBeGreaterThanOrEqual(0);
  return index + 1;
}

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'compliance-reports-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('addCompliancePacks alone, in a consumer app', () => {
  describe('whose findings are all fixed or acknowledged', () => {
    let outdir: string;
    let printed: string;
    let error: Error | undefined;

    beforeAll(() => {
      outdir = path.join(workDir, 'consumer');
      // aws-cdk-lib's own schema validator is off, as in test/support/app.ts: these tests judge the reports.
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Consumer', { env: ENV });
      const key = new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true });
      new sns.Topic(stack, 'Alerts', { masterKey: key, enforceSSL: true });
      const logGroup = new logs.LogGroup(stack, 'Logs', {
        retention: logs.RetentionDays.TWO_YEARS,
        encryptionKey: key,
      });
      Validations.of(logGroup).acknowledge({ id: 'SchedulingChecklist-C7-LogRetention', reason: REASON });
      addCompliancePacks(app);
      ({ printed, error } = synthesize(app));
    });

    test('synthesizes, and writes every report into the cloud assembly directory', () => {
      expect(error).toBeUndefined();
      const files = readdirSync(outdir);
      expect(files).toEqual(expect.arrayContaining(REPORT_FILES));
      const outcomes = readJson<{ outcomes: Array<{ status: string }> }>(
        path.join(outdir, OUTCOME_REPORT_FILES.json),
      );
      expect(outcomes.outcomes.map((o) => o.status)).toContain('acknowledged');
      expect(readFileSync(path.join(outdir, OUTCOME_REPORT_FILES.csv), 'utf8')).toContain(
        'SchedulingChecklist-C7-LogRetention,Error,Consumer/Logs/Resource,acknowledged',
      );
    });

    test('the HTML summary draws the stack, with the checklist items judged on its topic', () => {
      const html = readFileSync(path.join(outdir, OUTCOME_REPORT_FILES.html), 'utf8');
      const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + '</svg>'.length);
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).toContain('>Audit tier</text>');
      expect(svg).toContain('font-weight="bold">Alert topic</text>');
      expect(svg).toMatch(/<a href="#C5" class="badge passed">/);
      expect(html).toContain('<figcaption>Architecture of Consumer</figcaption>');
      // Self-contained: links only within the page, to the checklist items' sections.
      expect(html).not.toMatch(/<script|<link|<image|src=|href="(?!#C\d+")/i);
    });

    test('the SARIF places the acknowledged finding at the line of this file that made the log group', () => {
      const sarif = readJson<{
        runs: Array<{
          results: Array<{
            ruleId: string;
            locations: Array<{ physicalLocation: unknown; logicalLocations: unknown[] }>;
            relatedLocations?: Array<{
              physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
            }>;
            properties: Record<string, string>;
          }>;
        }>;
      }>(path.join(outdir, OUTCOME_REPORT_FILES.sarif));
      expect(sarifProblems(sarif)).toEqual([]);
      const [result] = sarif.runs[0].results.filter(
        (r) => r.ruleId === 'SchedulingChecklist-C7-LogRetention',
      );
      expect(result.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: 'test/compliance/compliance-reports.test.ts', uriBaseId: '%SRCROOT%' },
        region: expect.objectContaining({ startLine: lineOf("new logs.LogGroup(stack, 'Logs'") }),
      });
      const { logicalId } = result.properties;
      expect(result.properties).toMatchObject({
        stack: 'Consumer',
        region: 'eu-west-1',
        account: '111111111111',
      });
      expect(result.locations[0].logicalLocations).toEqual([
        { name: logicalId, fullyQualifiedName: 'Consumer/Logs/Resource', kind: 'resource' },
      ]);
      // The template is outside the repository here, so it is named by its absolute URI, at the resource's line.
      const template = result.relatedLocations?.[0].physicalLocation;
      expect(template?.artifactLocation.uri).toBe(`file://${path.join(outdir, 'Consumer.template.json')}`);
      const templateLines = readFileSync(path.join(outdir, 'Consumer.template.json'), 'utf8').split('\n');
      expect(templateLines[(template?.region.startLine ?? 0) - 1]).toBe(`  "${logicalId}": {`);
    });

    test('the validation report holds the verdict only, of a severity printed after every finding', () => {
      const report = readJson<ValidationReport>(path.join(outdir, 'validation-report.json'));
      expect(report.pluginReports.map((r) => r.pluginName)).toEqual([COMPLIANCE_PLUGIN_NAME]);
      expect(report.pluginReports[0]).toMatchObject({
        conclusion: 'success',
        violations: [{ ruleName: 'Verdict', severity: 'custom', customSeverity: VERDICT_SEVERITY }],
      });
    });

    test('what synth prints ends with the verdict on each checklist item, the reports and the count', () => {
      const lines = printed.split('\n').filter((line) => line.trim() !== '');
      const verdict = lines.findIndex((line) =>
        line.startsWith(`${VERDICT_SEVERITY} secure-scheduling compliance:`),
      );
      expect(verdict).toBeGreaterThanOrEqual(0);
      expect(lines.slice(verdict + 2, verdict + 12).map((line) => line.trim().split(' ')[0])).toEqual(
        Object.keys(CHECKLIST_ITEMS),
      );
      expect(lines[verdict + 12]).toBe(
        `  compliance summary for reviewers: ${path.join(outdir, OUTCOME_REPORT_FILES.html)} (also ${path.join(outdir, OUTCOME_REPORT_FILES.markdown)})`,
      );
      expect(lines[verdict + 14]).toBe(
        `  0 open findings: every finding is fixed or acknowledged with a reason (${COMPLIANCE_PLUGIN_NAME})`,
      );
      // After it only the CDK's own lines: how to silence the block, and (an app run on its own) the report's copy.
      expect(lines.slice(verdict + 15)).toEqual([
        `   Acknowledge with '${COMPLIANCE_PLUGIN_NAME}::Verdict'`,
        expect.stringMatching(/^A copy of this report can be found in: .*validation-report\.json$/),
      ]);
    });
  });

  describe('with open findings, and the reports written elsewhere', () => {
    let outdir: string;
    let reports: string;
    let error: Error | undefined;

    beforeAll(() => {
      outdir = path.join(workDir, 'open');
      reports = path.join(workDir, 'open-reports');
      const app = new App({ outdir, builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Plain', { env: ENV });
      new s3.Bucket(stack, 'Bucket', { enforceSSL: false });
      addCompliancePacks(app, { reportDirectory: reports });
      ({ error } = synthesize(app));
    });

    test('synth fails, and the reports are written where asked, not into the assembly', () => {
      expect(error?.name).toBe('ValidationFailed');
      expect(readdirSync(reports).sort()).toEqual(REPORT_FILES);
      expect(readdirSync(outdir).filter((f) => f.startsWith('compliance'))).toEqual([]);
    });

    test('each finding is reported once, with every pack that raised it', () => {
      const message = error?.message ?? '';
      const ssl = message.match(/^ERROR .*: S3BucketSSLRequestsOnly at Plain\/Bucket\/Resource: .*$/gm) ?? [];
      expect(ssl).toEqual([
        expect.stringMatching(
          /^ERROR AwsSolutions, HIPAA\.Security, NIST\.800\.53\.R5, PCI\.DSS\.321: S3BucketSSLRequestsOnly at Plain\/Bucket\/Resource: .*AwsSolutions-S10, HIPAA\.Security-S3BucketSSLRequestsOnly, NIST\.800\.53\.R5-S3BucketSSLRequestsOnly, PCI\.DSS\.321-S3BucketSSLRequestsOnly\) \(AwsSolutions\)$/,
        ),
      ]);
      expect(message).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-S10'");
      // Every pack's rule of the same check on the same resource is in that one block, not in a block of its own.
      expect(message).not.toMatch(/^ERROR HIPAA\.Security[^\n]*S3BucketSSLRequestsOnly/m);
    });

    test('the verdict comes last and ends with the count of open findings and resources', () => {
      const message = error?.message ?? '';
      const blocks = message.match(/^(ERROR|WARNING) /gm) ?? [];
      expect(blocks.length).toBeGreaterThan(3);
      expect(message.lastIndexOf('\nERROR ')).toBeLessThan(message.indexOf(`\n${VERDICT_SEVERITY} `));
      expect(message).toContain(
        `  ${blocks.length} open findings in 1 resource, each listed above: synth fails until each is fixed or acknowledged with a reason (${COMPLIANCE_PLUGIN_NAME})`,
      );
      expect(message).toMatch(/^ {2}C1 not met: \d+ open findings?; /m);
    });
  });

  test('places and draws the resources of a stage, whose templates are in an assembly nested in the app’s', () => {
    const outdir = path.join(workDir, 'staged');
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    const stack = new Stack(new Stage(app, 'Prod'), 'Alerting', { env: ENV });
    new sns.Topic(stack, 'Alerts', {
      masterKey: new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true }),
      enforceSSL: true,
    });
    addCompliancePacks(app);
    expect(synthesize(app).error).toBeUndefined();
    const html = readFileSync(path.join(outdir, OUTCOME_REPORT_FILES.html), 'utf8');
    expect(html).toContain('<figcaption>Architecture of ProdAlerting');
    const outcomes = readJson<{ outcomes: Array<{ resourcePath: string }> }>(
      path.join(outdir, OUTCOME_REPORT_FILES.json),
    );
    expect(outcomes.outcomes.map((o) => o.resourcePath)).toContain('Prod/Alerting/Alerts/Resource');
    expect(html).toMatch(/data-element="topic"><title>[^<]*<\/title>.*?<a href="#C5" class="badge passed">/);
  });

  test('writes no report when told not to, and says so in the verdict', () => {
    const outdir = path.join(workDir, 'no-reports');
    const app = new App({ outdir, builtinCloudFormationValidation: false });
    new SeparatedDutiesKey(new Stack(app, 'KeyOnly', { env: ENV }), 'Key', { enableKeyRotation: true });
    addCompliancePacks(app, { writeReports: false });
    const { printed, error } = synthesize(app);
    expect(error).toBeUndefined();
    expect(readdirSync(outdir).filter((f) => f.startsWith('compliance'))).toEqual([]);
    expect(printed).toContain('  reports: not written (addCompliancePacks option `writeReports: false`)');
  });
});
