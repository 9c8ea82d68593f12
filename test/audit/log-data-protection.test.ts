import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MaskingFindings, WebFirewall } from '../../lib';
import { statefulChanges } from '../../lib/guard/stateful-changes';
import {
  DEFAULT_MASKED_DATA_IDENTIFIERS,
  dataIdentifierName,
  dataIdentifierProblems,
  MANAGED_DATA_IDENTIFIERS,
} from '../../lib/private/log-data-identifiers';
import { accessPathMatrix, CfnTemplate, Matrix } from '../support/access-paths';
import { stackEnvironment } from '../support/access-paths/stacks';
import { testStack } from '../support/app';

const ALB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/lb/0123456789abcdef';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- templates are untyped JSON
type Json = Record<string, any>;

/** The log groups of a template that carry a data protection policy, by logical id. */
function protectedGroups(template: Json): Array<[string, Json]> {
  return Object.entries(template.Resources as Record<string, Json>).filter(
    ([, r]) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.DataProtectionPolicy !== undefined,
  );
}

/** The managed identifier names of the statements of `policy` that do `operation` ('Audit' or 'Deidentify'). */
function identifiersOf(policy: Json, operation: string): string[] {
  const statement = (policy.Statement as Json[]).find((s) => s.Operation[operation] !== undefined);
  return ((statement?.DataIdentifier ?? []) as unknown[]).map(
    (d) => dataIdentifierName(d) ?? `?${JSON.stringify(d)}`,
  );
}

describe('log data protection (checklist C7)', () => {
  let stack: Stack;
  let template: Json;

  beforeAll(() => {
    // A web firewall on its own: it makes its own findings log group and key.
    stack = testStack();
    new WebFirewall(stack, 'Firewall', { resourceArn: ALB_ARN });
    template = Template.fromStack(stack).toJSON();
  });

  describe('the masking policy', () => {
    test('audits and masks the same identifiers, the defaults, each a managed identifier AWS documents', () => {
      const [[, group]] = protectedGroups(template);
      const policy = group.Properties.DataProtectionPolicy;
      expect(policy.Version).toBe('2021-06-01');
      expect(identifiersOf(policy, 'Audit')).toEqual([...DEFAULT_MASKED_DATA_IDENTIFIERS]);
      expect(identifiersOf(policy, 'Deidentify')).toEqual([...DEFAULT_MASKED_DATA_IDENTIFIERS]);
      for (const name of identifiersOf(policy, 'Deidentify')) {
        expect(Object.keys(MANAGED_DATA_IDENTIFIERS)).toContain(name);
      }
      // Deidentify with MaskConfig is CloudWatch Logs' one masking operation: matches become asterisks.
      const mask = (policy.Statement as Json[]).find((s) => s.Operation.Deidentify) as Json;
      expect(mask.Operation.Deidentify).toEqual({ MaskConfig: {} });
    });

    test('masks email addresses and every credential identifier of the documented table', () => {
      const credentials = Object.entries(MANAGED_DATA_IDENTIFIERS)
        .filter(([, category]) => category === 'Credentials')
        .map(([name]) => name);
      expect(credentials.sort()).toEqual(
        ['AwsSecretKey', 'OpenSshPrivateKey', 'PgpPrivateKey', 'PkcsPrivateKey', 'PuttyPrivateKey'].sort(),
      );
      expect([...DEFAULT_MASKED_DATA_IDENTIFIERS].sort()).toEqual(['EmailAddress', ...credentials].sort());
    });

    test('sends its findings to the encrypted findings log group, which exists before the policy', () => {
      const [[, group]] = protectedGroups(template);
      const audit = (group.Properties.DataProtectionPolicy.Statement as Json[]).find(
        (s) => s.Operation.Audit,
      ) as Json;
      const findingsId = audit.Operation.Audit.FindingsDestination.CloudWatchLogs.LogGroup.Ref;
      const findings = template.Resources[findingsId];
      expect(findings.Type).toBe('AWS::Logs::LogGroup');
      expect(findings.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
      expect(findings.Properties.RetentionInDays).toBe(90);
      expect(findings.DeletionPolicy).toBe('Retain');
      // The findings hold positions, not data: the findings group itself masks nothing.
      expect(findings.Properties.DataProtectionPolicy).toBeUndefined();
      // The delivery policy comes first, so CloudWatch Logs finds it and writes no account-wide one.
      const [policyId] = Object.entries(template.Resources as Record<string, Json>).find(
        ([, r]) => r.Type === 'AWS::Logs::ResourcePolicy',
      )!;
      expect(group.DependsOn).toEqual(expect.arrayContaining([findingsId, policyId]));
    });

    test('the WAF log group keeps the name WAF requires', () => {
      const [[, group]] = protectedGroups(template);
      expect(group.Properties.LogGroupName).toMatch(/^aws-waf-logs-/);
    });
  });

  describe('the identifiers', () => {
    test('a typo, an identifier named twice, or none, are refused, naming the prop and the value', () => {
      expect(
        dataIdentifierProblems('maskedDataIdentifiers', ['EmailAdress', 'EmailAddress', 'EmailAddress']),
      ).toEqual([
        expect.stringMatching(
          /^`maskedDataIdentifiers` must hold CloudWatch Logs managed data identifiers of .*got 'EmailAdress'$/,
        ),
        "`maskedDataIdentifiers` must name each identifier once, got 'EmailAddress' twice",
      ]);
      expect(dataIdentifierProblems('maskedDataIdentifiers', [])).toEqual([
        expect.stringContaining('must name at least one managed data identifier'),
      ]);
      expect(
        () =>
          new WebFirewall(testStack(), 'Firewall', { maskedDataIdentifiers: ['EmailAddress', 'JwtToken'] }),
      ).toThrow(/`maskedDataIdentifiers` .*got 'JwtToken'/);
    });

    test('an identifier is read back from either form of its ARN a template holds', () => {
      expect(dataIdentifierName('arn:aws:dataprotection::aws:data-identifier/EmailAddress')).toBe(
        'EmailAddress',
      );
      expect(
        dataIdentifierName({
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':dataprotection::aws:data-identifier/PgpPrivateKey'],
          ],
        }),
      ).toBe('PgpPrivateKey');
      expect(dataIdentifierName('EmployeeId')).toBeUndefined();
      expect(dataIdentifierName({ Ref: 'Parameter' })).toBeUndefined();
    });
  });

  describe('sharing one findings log group', () => {
    test('a firewall given a findings log group makes none of its own and sends its findings there', () => {
      const shared = testStack();
      const findings = new MaskingFindings(shared, 'MaskingFindings');
      new WebFirewall(shared, 'Firewall', {
        resourceArn: ALB_ARN,
        maskingFindingsLogGroup: findings.logGroup,
      });
      const t = Template.fromStack(shared).toJSON();
      const groups = Object.values(t.Resources as Record<string, Json>).filter(
        (r) => r.Type === 'AWS::Logs::LogGroup',
      );
      expect(groups).toHaveLength(2);
      const [[, group]] = protectedGroups(t);
      const audit = (group.Properties.DataProtectionPolicy.Statement as Json[]).find(
        (s) => s.Operation.Audit,
      ) as Json;
      expect(audit.Operation.Audit.FindingsDestination.CloudWatchLogs.LogGroup).toEqual({
        Ref: shared.getLogicalId(findings.logGroup.node.defaultChild as logs.CfnLogGroup),
      });
    });
  });

  describe('the access paths', () => {
    let matrix: Matrix;

    beforeAll(async () => {
      matrix = await accessPathMatrix(template as CfnTemplate, stackEnvironment(stack));
    });

    test('the findings reach their log group through the log delivery service, and nowhere else', () => {
      const rows = matrix.rows.filter((r) => r.path.kind === 'masking-findings');
      expect(rows.map((r) => r.path.request.action).sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
      for (const row of rows) {
        expect([row.path.description, row.verdict.decision]).toEqual([row.path.description, 'Allowed']);
        expect(row.twins.map((t) => [t.label, t.verdict.decision])).toEqual([
          ['another account', 'ImplicitlyDenied'],
          ['the protected log group itself', 'ImplicitlyDenied'],
        ]);
        expect(row.proven).toBe(true);
      }
    });

    test('CloudWatch Logs may use the key of the findings log group for it', () => {
      const findingsKeyRows = matrix.rows.filter(
        (r) => r.path.kind === 'log-group-key' && r.path.target.includes('MaskingFindings'),
      );
      expect(findingsKeyRows).toHaveLength(2);
      expect(findingsKeyRows.every((r) => r.proven)).toBe(true);
    });
  });

  describe('updating a released stack', () => {
    test('adding the policy to an existing log group updates it in place', () => {
      // The CloudFormation Template Reference, AWS::Logs::LogGroup, DataProtectionPolicy: "Update requires: No
      // interruption" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html).
      const before = JSON.parse(JSON.stringify(template)) as Json;
      for (const [id] of protectedGroups(template)) {
        delete before.Resources[id].Properties.DataProtectionPolicy;
      }
      const report = statefulChanges(before, template);
      expect(report.ok).toBe(true);
      expect(report.changes).toEqual([]);
    });
  });
});
