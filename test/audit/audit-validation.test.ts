import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  AlertTopic,
  AuditTrail,
  ChangeEvents,
  CisAlarms,
  SecureSchedulingError,
  SecurityDashboard,
} from '../../lib';
import { defaultStack, problemsOf, testStack } from '../support/app';

describe('audit tier bad input', () => {
  describe('settings', () => {
    test('trail settings next to existingTrailLogGroupName are refused, each named, not silently ignored', () => {
      const problems = problemsOf({
        existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs',
        trailLogRetentionDays: 180,
        trailObjectLockDays: 365,
        trailObjectLockEnablement: 'in-place',
      });
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^setting `trailLogRetentionDays` must be unset when existingTrailLogGroupName is given.*got 180$/,
          ),
          expect.stringMatching(
            /^setting `trailObjectLockDays` must be unset when existingTrailLogGroupName is given.*got 365$/,
          ),
          expect.stringMatching(
            /^setting `trailObjectLockEnablement` must be unset when existingTrailLogGroupName is given.*got "in-place"$/,
          ),
        ]),
      );
      expect(problems.some((p) => p.includes('trailBucketExpirationDays'))).toBe(false);
    });

    test('a bad alert address and a short audit retention are reported together, each by its setting', () => {
      const problems = problemsOf({ alertEmails: 'security at example.com', trailLogRetentionDays: 60 });
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^setting `alertEmails`.*security at example.com/),
          expect.stringMatching(/^setting `trailLogRetentionDays`.*audit minimum of 365 days.*got 60$/),
        ]),
      );
    });
  });

  describe('AuditTrail', () => {
    test('throws when trail settings are given with an existing trail, naming them', () => {
      expect(
        () =>
          new AuditTrail(testStack(), 'Audit', {
            existingTrailLogGroupName: 'org-trail',
            logRetention: logs.RetentionDays.ONE_YEAR,
            bucketExpiration: Duration.days(730),
          }),
      ).toThrow(/`logRetention`, `bucketExpiration` cannot be used with `existingTrailLogGroupName`/);
    });
  });

  describe('CisAlarms', () => {
    test.each(['AWS/CloudTrail', 'my metrics!', ''])('throws when metricNamespace is %j', (namespace) => {
      const stack = testStack();
      expect(
        () =>
          new CisAlarms(stack, 'Cis', {
            logGroup: logs.LogGroup.fromLogGroupName(stack, 'Trail', 'trail-events'),
            alerts: new AlertTopic(stack, 'Alerts'),
            metricNamespace: namespace,
          }),
      ).toThrow(/`metricNamespace` must be 1 to 255 letters.*not starting with 'AWS\/'/);
    });
  });

  describe('ChangeEvents', () => {
    test('throws when a watch would match every such call in the account, or no call', () => {
      const stack = testStack();
      const events = new ChangeEvents(stack, 'Changes', { alerts: new AlertTopic(stack, 'Alerts') });
      const watch = { description: 'x', source: 'aws.ec2', eventSource: 'ec2.amazonaws.com' };
      expect(() => events.watch('Everything', { ...watch, eventNames: ['RunInstances'], anyOf: [] })).toThrow(
        /`anyOf` of Everything must narrow the calls to at least one resource/,
      );
      expect(() =>
        events.watch('Nothing', { ...watch, eventNames: [], anyOf: [{ requestParameters: { x: ['y'] } }] }),
      ).toThrow(/`eventNames` of Nothing must name at least one API call/);
    });
  });

  describe('SecurityDashboard', () => {
    test('throws when the period is not whole minutes and the name has bad characters, naming both', () => {
      const stack = defaultStack({ stackName: 'Dashboards' });
      let error: unknown;
      try {
        new SecurityDashboard(stack, 'Another', {
          firewall: stack.firewall,
          loadBalancer: stack.loadBalancer.loadBalancer,
          period: Duration.seconds(90),
          dashboardName: 'security signals',
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SecureSchedulingError);
      expect((error as SecureSchedulingError).problems).toEqual([
        expect.stringMatching(/^`period` must be whole minutes.*got 90 seconds$/),
        expect.stringMatching(/^`dashboardName` must be 1 to 255 letters.*got 'security signals'$/),
      ]);
    });
  });
});
