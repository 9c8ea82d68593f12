import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AuditTrail,
  BucketObjectLock,
  LogBucket,
  LogEncryptionKey,
  TRAIL_BUCKET_DATA_EVENTS,
} from '../../lib';
import { testStack } from '../support/app';
import { openFindings, PACKS } from '../support/packs';

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
        // A trail takes basic or advanced selectors, not both: management events move to an advanced one.
        EventSelectors: Match.absent(),
        AdvancedEventSelectors: Match.arrayWith([
          { Name: Match.anyValue(), FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        ]),
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

  describe('data events on its own bucket', () => {
    const dataSelector = () => {
      const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0];
      return (trail.Properties.AdvancedEventSelectors as Array<{ FieldSelectors: unknown[] }>)[1];
    };

    test("record deletes and lock changes of the trail bucket's objects, and nothing else", () => {
      expect(dataSelector().FieldSelectors).toEqual([
        { Field: 'eventCategory', Equals: ['Data'] },
        { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        {
          Field: 'resources.ARN',
          StartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['AuditBucket7486E833', 'Arn'] }, '/']] }],
        },
        {
          Field: 'eventName',
          Equals: ['DeleteObject', 'DeleteObjects', 'PutObjectRetention', 'PutObjectLegalHold'],
        },
      ]);
    });

    test('never PutObject nor any write CloudTrail delivers with: its own deliveries would loop', () => {
      // CloudTrail delivers log files and digests with PutObject (the bucket policy grants it nothing else).
      const delivery = Object.values(template.findResources('AWS::S3::BucketPolicy'))
        .flatMap(
          (p) => p.Properties.PolicyDocument.Statement as Array<{ Principal?: unknown; Action: unknown }>,
        )
        .filter((st) => JSON.stringify(st.Principal ?? '').includes('cloudtrail.amazonaws.com'))
        .flatMap((st) => [st.Action].flat() as string[])
        .filter((action) => action !== 's3:GetBucketAcl');
      expect(delivery).toEqual(['s3:PutObject']);
      for (const action of delivery) {
        expect(TRAIL_BUCKET_DATA_EVENTS).not.toContain(action.replace(/^s3:/, ''));
      }
    });
  });

  describe('object lock', () => {
    test('locks log files in governance mode for the audit floor of 365 days by default, from creation', () => {
      template.hasResource('AWS::S3::Bucket', {
        Properties: {
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
          },
          VersioningConfiguration: { Status: 'Enabled' },
        },
        UpdateReplacePolicy: 'Retain',
      });
      template.resourceCountIs('Custom::BucketObjectLock', 0);
    });

    test('keeps deleted versions at least as long as the lock: a delete marker starts no short clock', () => {
      const stack = testStack();
      new AuditTrail(stack, 'Audit', {
        objectLockRetention: Duration.days(500),
        bucketExpiration: Duration.days(730),
      });
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockConfiguration: { Rule: { DefaultRetention: { Days: 500 } } },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ ExpirationInDays: 730, NoncurrentVersionExpiration: { NoncurrentDays: 500 } }),
          ],
        },
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } })],
        },
      });
    });

    describe("in place, for a bucket created without it ('in-place')", () => {
      let inPlace: Template;
      let inPlaceStack: Stack;
      beforeAll(() => {
        inPlaceStack = testStack();
        new AuditTrail(inPlaceStack, 'Audit', {
          objectLockEnablement: 'in-place',
          objectLockRetention: Duration.days(400),
        });
        inPlace = Template.fromStack(inPlaceStack);
      });

      test.each(PACKS)(
        '%s finds nothing unacknowledged on the function, its role and its log group',
        (_n, pack) => {
          const lock = inPlaceStack.node.findAll().find((c) => c instanceof BucketObjectLock)!;
          expect(openFindings(pack(), lock)).toEqual([]);
        },
      );

      test('leaves ObjectLockEnabled out of the bucket, so CloudFormation keeps it', () => {
        const bucket = inPlace.findResources('AWS::S3::Bucket', {
          Properties: { VersioningConfiguration: { Status: 'Enabled' }, ObjectLockEnabled: Match.absent() },
        });
        expect(Object.keys(bucket)).toContain('AuditBucket7486E833');
        expect(
          inPlace.toJSON().Resources.AuditBucket7486E833.Properties.ObjectLockConfiguration,
        ).toBeUndefined();
      });

      test('a custom resource sets the lock on that bucket, after it exists and once its role may', () => {
        inPlace.hasResource('Custom::BucketObjectLock', {
          Properties: {
            BucketName: { Ref: 'AuditBucket7486E833' },
            RetentionDays: '400',
            CodeHash: Match.stringLikeRegexp('^[0-9a-f]{32}$'),
            ServiceTimeout: '300',
          },
          DependsOn: Match.arrayWith([
            'AuditBucket7486E833',
            Match.stringLikeRegexp('^AuditObjectLockRolePolicy'),
          ]),
        });
      });

      test("the function's role may only set and read that bucket's Object Lock configuration and write its log", () => {
        const policies = inPlace.findResources('AWS::IAM::ManagedPolicy', {
          Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AuditObjectLockRole') }] },
        });
        const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
        expect(statements).toEqual([
          {
            Sid: 'SetAndReadTheBucketObjectLock',
            Effect: 'Allow',
            Action: ['s3:GetBucketObjectLockConfiguration', 's3:PutBucketObjectLockConfiguration'],
            Resource: { 'Fn::GetAtt': ['AuditBucket7486E833', 'Arn'] },
          },
          {
            Sid: 'WriteOwnLog',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AuditObjectLockLogGroup/), 'Arn'] },
          },
        ]);
        inPlace.resourceCountIs('AWS::IAM::Policy', 0);
      });

      test('the function runs on the latest Node.js runtime, from a local bundle', () => {
        inPlace.hasResourceProperties('AWS::Lambda::Function', {
          Runtime: 'nodejs24.x',
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditObjectLockRole'), 'Arn'] },
        });
      });
    });

    test("'off' creates the bucket without Object Lock and keeps deleted versions for the audit floor", () => {
      const stack = testStack();
      new AuditTrail(stack, 'Audit', { objectLockEnablement: 'off' });
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: Match.absent(),
        ObjectLockConfiguration: Match.absent(),
        KMSMasterKeyID: Match.absent(),
        BucketEncryption: Match.objectLike({}),
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } })],
        },
      });
      t.resourceCountIs('Custom::BucketObjectLock', 0);
    });
  });

  describe('server access logs', () => {
    test('go to a log bucket of its own that keeps them as long as the trail files', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditBucketLogs') },
          LogFilePrefix: 'audit-trail/',
        },
      });
      const logs = template.findResources('AWS::S3::Bucket', {
        Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ExpireLogs' })] } },
      });
      expect(
        Object.values(logs).map((b) => b.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays),
      ).toEqual([400]);
    });

    test('a shorter log bucket given to it is kept as long as the trail files', () => {
      const stack = testStack();
      const shared = new LogBucket(stack, 'Shared', { expiration: Duration.days(90) });
      new AuditTrail(stack, 'Audit', {
        serverAccessLogsBucket: shared.bucket,
        bucketExpiration: Duration.days(730),
      });
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ExpireLogs', ExpirationInDays: 730 })] },
      });
    });

    test('throws when another bucket of the app would expire them before the trail files', () => {
      const stack = testStack();
      const short = new s3.Bucket(stack, 'Short', {
        lifecycleRules: [{ expiration: Duration.days(90) }],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      expect(() => new AuditTrail(stack, 'Audit', { serverAccessLogsBucket: short })).toThrow(
        /`serverAccessLogsBucket` expires objects after 90 days, before the trail's log files \(`bucketExpiration` 400 days\)/,
      );
    });
  });

  describe('EventBridge', () => {
    test('receives the S3 events of the trail bucket and its log bucket, without a notifications function', () => {
      const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(2);
      for (const bucket of buckets) {
        expect(bucket.Properties.NotificationConfiguration).toEqual({
          EventBridgeConfiguration: { EventBridgeEnabled: true },
        });
      }
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
      template.resourceCountIs('AWS::Lambda::Function', 0);
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
        /`objectLockRetention` must be an integer between 365 and 400 days, got 500/,
      );
    });

    test('throws when object lock is shorter than the audit floor', () => {
      expect(() => new AuditTrail(testStack(), 'Audit', { objectLockRetention: Duration.days(30) })).toThrow(
        /`objectLockRetention` must be an integer between 365 and 400 days, got 30/,
      );
    });

    test("throws on an unknown enablement, and on a retention with 'off'", () => {
      expect(
        () =>
          new AuditTrail(testStack(), 'Audit', {
            objectLockEnablement: 'later' as 'off',
          }),
      ).toThrow(/`objectLockEnablement` must be one of 'at-creation', 'in-place', 'off', got 'later'/);
      expect(
        () =>
          new AuditTrail(testStack(), 'Audit', {
            objectLockEnablement: 'off',
            objectLockRetention: Duration.days(365),
          }),
      ).toThrow(/`objectLockRetention` cannot be used with `objectLockEnablement` 'off'/);
    });

    test('throws when the enablement is set next to an existing trail', () => {
      expect(
        () =>
          new AuditTrail(testStack(), 'Audit', {
            existingTrailLogGroupName: 'aws-controltower/CloudTrailLogs',
            objectLockEnablement: 'in-place',
          }),
      ).toThrow(/`objectLockEnablement` cannot be used with `existingTrailLogGroupName`/);
    });
  });
});
