import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AuditTrail, LogEncryptionKey } from '../../lib';
import { testStack } from '../support/app';

const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/Test-audit';

describe('AuditTrail', () => {
  let template: Template;

  beforeAll(() => {
    const stack = testStack();
    new AuditTrail(stack, 'Audit');
    template = Template.fromStack(stack);
  });

  describe('the trail', () => {
    test('records read and write management events of all regions, global services included, with validation', () => {
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        TrailName: 'Test-audit',
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
        KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
        CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
      });
    });

    test('is created after the bucket policy and the delivery policy it is checked against', () => {
      const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0];
      expect(trail.DependsOn).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^AuditBucketPolicy/),
          expect.stringMatching(/^AuditLogsRolePolicy/),
        ]),
      );
    });

    test('delivers to CloudWatch Logs through a role with a managed policy on its log group only', () => {
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditLogGroup'), 'Arn'] },
            },
          ],
        },
      });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });
  });

  describe('the key', () => {
    test('rotates and is retained', () => {
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('lets CloudTrail encrypt for this trail only', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowCloudTrailToEncryptThisTrail',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:GenerateDataKey*',
              Resource: '*',
              Condition: {
                StringEquals: { 'aws:SourceArn': TRAIL_ARN },
                StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN },
              },
            },
          ]),
        },
      });
    });
  });

  describe('the bucket', () => {
    test('is KMS-encrypted with the trail key, versioned, private, access-logged and retained', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
                },
              },
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'audit-trail/' }),
        }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('moves log files to Glacier Instant Retrieval after 90 days and expires them after 400', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: Match.anyValue(),
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Id: 'ArchiveThenExpire',
              ExpirationInDays: 400,
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
          ],
        },
      });
    });

    test('admits CloudTrail writes from this trail only, and refuses plain HTTP', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Sid: 'AllowCloudTrailAclCheck',
              Action: 's3:GetBucketAcl',
              Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
            }),
            Match.objectLike({
              Sid: 'AllowCloudTrailWrite',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Condition: {
                StringEquals: { 'aws:SourceArn': TRAIL_ARN, 's3:x-amz-acl': 'bucket-owner-full-control' },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('the log group', () => {
    test('keeps a year of events, encrypted with the trail key by default, and is retained', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          RetentionInDays: 365,
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditKey'), 'Arn'] },
        },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('uses the key given for log groups', () => {
      const stack = testStack();
      const key = new LogEncryptionKey(stack, 'LogKey');
      new AuditTrail(stack, 'Audit', {
        logGroupEncryptionKey: key.key,
        logRetention: logs.RetentionDays.THIRTEEN_MONTHS,
      });
      Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: 400,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogKey'), 'Arn'] },
      });
    });
  });

  describe('object lock', () => {
    test('locks log files in governance mode when asked', () => {
      const stack = testStack();
      new AuditTrail(stack, 'Audit', { objectLockRetention: Duration.days(365) });
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
        },
      });
    });
  });

  describe('an existing trail', () => {
    test('reuses its log group and creates no trail, bucket or key', () => {
      const stack = testStack();
      const audit = new AuditTrail(stack, 'Audit', {
        existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs',
      });
      new logs.MetricFilter(stack, 'Filter', {
        logGroup: audit.logGroup,
        filterPattern: logs.FilterPattern.allEvents(),
        metricNamespace: 'Test',
        metricName: 'Events',
      });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::Logs::MetricFilter', { LogGroupName: 'aws-controltower/CloudTrailLogs' });
      t.resourceCountIs('AWS::CloudTrail::Trail', 0);
      t.resourceCountIs('AWS::S3::Bucket', 0);
      t.resourceCountIs('AWS::KMS::Key', 0);
      expect(audit.trail).toBeUndefined();
      expect(stack.resolve(audit.logGroup.logGroupName)).toBe('aws-controltower/CloudTrailLogs');
    });
  });

  describe('validation', () => {
    test('throws when the log group would keep events shorter than the audit minimum', () => {
      expect(
        () => new AuditTrail(testStack(), 'Audit', { logRetention: logs.RetentionDays.ONE_MONTH }),
      ).toThrow(/`logRetention` of the audit trail must be at least 365 days.*got 30 days/);
    });

    test('throws when retention is unlimited or above the ceiling', () => {
      expect(
        () => new AuditTrail(testStack(), 'Audit', { logRetention: logs.RetentionDays.INFINITE }),
      ).toThrow(/`logRetention` must be at most 400 days.*INFINITE/);
    });

    test('reports a short bucket expiration, a bad trail name and a bad log group name together', () => {
      expect(
        () =>
          new AuditTrail(testStack(), 'Audit', {
            bucketExpiration: Duration.days(30),
            trailName: 'no spaces allowed',
            existingTrailLogGroupName: 'bad name!',
          }),
      ).toThrow(
        /`bucketExpiration` must be an integer between 365 and 3650 days, got 30[\s\S]*`existingTrailLogGroupName` must be a log group name.*'bad name!'[\s\S]*`trailName` must be.*'no spaces allowed'/,
      );
    });

    test('throws when object lock outlasts the bucket expiration', () => {
      expect(() => new AuditTrail(testStack(), 'Audit', { objectLockRetention: Duration.days(500) })).toThrow(
        /`objectLockRetention` must be an integer between 1 and 400 days, got 500/,
      );
    });
  });
});
