import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { AlertTopic, CertificateExpiry, ConfigError, parseConfig } from '../../lib';
import { defaultStack, EXAMPLE_CONFIG, testStack } from '../support/app';
import { matchesPattern, resolveIntrinsics } from '../support/event-pattern';

const IMPORTED = 'arn:aws:acm:eu-west-1:111111111111:certificate/0b0a6f6e-3c41-4a8e-9f64-2d1c3d5e7a90';
const REQUESTED = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function acmEvent(detailType: string, certificateArn: string): Record<string, unknown> {
  return {
    source: 'aws.acm',
    'detail-type': detailType,
    account: '111111111111',
    region: 'eu-west-1',
    resources: [certificateArn],
    detail: { DaysToExpiry: 31, CommonName: 'schedule.example.com' },
  };
}

describe('CertificateExpiry', () => {
  let template: Template;
  let expiry: CertificateExpiry;
  let pattern: unknown;

  beforeAll(() => {
    const stack = testStack();
    const requested = new acm.Certificate(stack, 'Requested', { domainName: 'schedule.example.com' });
    expiry = new CertificateExpiry(stack, 'Expiry', {
      certificates: [acm.Certificate.fromCertificateArn(stack, 'Imported', IMPORTED), requested],
      alerts: new AlertTopic(stack, 'Alerts'),
      expiryEventsDaysBeforeExpiry: 30,
    });
    template = Template.fromStack(stack);
    const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
    const requestedId = Object.keys(template.findResources('AWS::CertificateManager::Certificate'))[0];
    pattern = resolveIntrinsics(rule.Properties.EventPattern, (ref) => {
      if (ref !== requestedId) throw new Error(`no test value for ${ref}`);
      return REQUESTED;
    });
  });

  describe('alarms', () => {
    test("one per certificate on ACM's daily DaysToExpiry, at 30 days by default, to the topic", () => {
      const alarms = Object.values(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { Namespace: 'AWS/CertificateManager' },
        }),
      );
      expect(alarms).toHaveLength(2);
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/CertificateManager',
          MetricName: 'DaysToExpiry',
          Statistic: 'Minimum',
          Period: 86400,
          Threshold: 30,
          ComparisonOperator: 'LessThanOrEqualToThreshold',
          AlarmActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
          OKActions: [{ Ref: expect.stringMatching(/^Alerts/) }],
        });
      }
      expect(alarms.map((a) => a.Properties.Dimensions)).toEqual([
        [{ Name: 'CertificateArn', Value: IMPORTED }],
        [{ Name: 'CertificateArn', Value: { Ref: expect.stringMatching(/^Requested/) } }],
      ]);
    });
  });

  describe('events', () => {
    test("ACM's approaching-expiration, expired and renewal-action events of these certificates go to the topic", () => {
      for (const type of [
        'ACM Certificate Approaching Expiration',
        'ACM Certificate Expired',
        'ACM Certificate Renewal Action Required',
      ]) {
        expect([type, matchesPattern(pattern, acmEvent(type, IMPORTED))]).toEqual([type, true]);
        expect([type, matchesPattern(pattern, acmEvent(type, REQUESTED))]).toEqual([type, true]);
      }
      const [rule] = Object.values(template.findResources('AWS::Events::Rule'));
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { Ref: expect.stringMatching(/^Alerts/) },
          InputTransformer: expect.objectContaining({
            InputPathsMap: expect.objectContaining({ 'detail-DaysToExpiry': '$.detail.DaysToExpiry' }),
          }),
        }),
      ]);
    });

    test('ignores other certificates and other ACM events', () => {
      const other = 'arn:aws:acm:eu-west-1:111111111111:certificate/99999999-0000-0000-0000-000000000000';
      expect(matchesPattern(pattern, acmEvent('ACM Certificate Approaching Expiration', other))).toBe(false);
      expect(matchesPattern(pattern, acmEvent('ACM Certificate Available', IMPORTED))).toBe(false);
    });

    test('the topic admits the rule', () => {
      const [ruleId] = Object.keys(template.findResources('AWS::Events::Rule'));
      const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
      const statement = policy.Properties.PolicyDocument.Statement.find(
        (s: { Sid?: string }) => s.Sid === 'AllowThisStacksEventRules',
      );
      expect(statement.Condition.ArnEquals['aws:SourceArn']).toEqual([{ 'Fn::GetAtt': [ruleId, 'Arn'] }]);
    });

    test("the account's expiry-events window is given as the CLI command that sets it", () => {
      expect(expiry.expiryEventsDaysBeforeExpiry).toBe(30);
      expect(expiry.expiryEventsCommand).toBe(
        'aws acm put-account-configuration --expiry-events DaysBeforeExpiry=30 --idempotency-token secure-scheduling',
      );
    });
  });

  describe('validation', () => {
    test('throws when the alarm threshold or the events window is out of range, naming both', () => {
      const stack = testStack();
      expect(
        () =>
          new CertificateExpiry(stack, 'Expiry', {
            certificates: [acm.Certificate.fromCertificateArn(stack, 'Imported', IMPORTED)],
            alerts: new AlertTopic(stack, 'Alerts'),
            alarmDaysToExpiry: 60,
            expiryEventsDaysBeforeExpiry: 46,
          }),
      ).toThrow(
        /`alarmDaysToExpiry` must be an integer between 1 and 59 days, got 60[\s\S]*`expiryEventsDaysBeforeExpiry` must be an integer between 1 and 45 days, got 46/,
      );
    });

    test('throws when no certificate is given', () => {
      const stack = testStack();
      expect(
        () =>
          new CertificateExpiry(stack, 'Expiry', {
            certificates: [],
            alerts: new AlertTopic(stack, 'Alerts'),
          }),
      ).toThrow(/`certificates` must name at least one certificate/);
    });

    test('the settings are checked before anything is built, each named', () => {
      expect(() =>
        parseConfig(EXAMPLE_CONFIG, { certificateExpiryAlarmDays: 60, certificateExpiryEventsDays: 0 }),
      ).toThrow(ConfigError);
      expect(() => parseConfig(EXAMPLE_CONFIG, { certificateExpiryAlarmDays: 60 })).toThrow(
        /setting `certificateExpiryAlarmDays` must be between 1 and 59 days.*got 60/,
      );
      expect(() => parseConfig(EXAMPLE_CONFIG, { certificateExpiryEventsDays: 90 })).toThrow(
        /setting `certificateExpiryEventsDays` must be between 1 and 45 days.*got 90/,
      );
    });
  });

  describe('in the default stack', () => {
    test("watches the load balancer's certificate and outputs the account setting's command", () => {
      const t = Template.fromStack(
        defaultStack({ certificateExpiryAlarmDays: 21, certificateExpiryEventsDays: 40, stackName: 'Certs' }),
      );
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'DaysToExpiry',
        Threshold: 21,
        Dimensions: [
          { Name: 'CertificateArn', Value: { Ref: Match.stringLikeRegexp('^LoadBalancerCertificate') } },
        ],
      });
      t.hasOutput('CertificateExpiryEventsCommand', {
        Value:
          'aws acm put-account-configuration --expiry-events DaysBeforeExpiry=40 --idempotency-token secure-scheduling',
      });
    });
  });
});
