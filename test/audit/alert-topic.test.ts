import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { AlertTopic, LogBucket } from '../../lib';
import { testStack } from '../support/app';

describe('AlertTopic', () => {
  test('subscribes every email address and HTTPS endpoint', () => {
    const stack = testStack();
    new AlertTopic(stack, 'Alerts', {
      emails: ['a@example.com', 'b@example.org'],
      httpsEndpoints: ['https://hooks.example.com/x'],
    });
    const t = Template.fromStack(stack);
    t.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 2);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://hooks.example.com/x',
    });
  });

  test('throws when an email address or endpoint is malformed, naming both', () => {
    expect(
      () =>
        new AlertTopic(testStack(), 'Alerts', {
          emails: ['ops at example.com'],
          httpsEndpoints: ['http://hooks.example.com'],
        }),
    ).toThrow(
      /`emails` must hold email addresses.*'ops at example.com'[\s\S]*`httpsEndpoints` must hold https:\/\/ URLs.*'http:\/\/hooks.example.com'/,
    );
  });
});

describe('LogBucket', () => {
  test('moves logs to infrequent access only when they outlive 30 days', () => {
    const stack = testStack();
    new LogBucket(stack, 'Short', { expiration: Duration.days(14) });
    const t = Template.fromStack(stack);
    const rule = Object.values(t.findResources('AWS::S3::Bucket'))[0].Properties.LifecycleConfiguration
      .Rules[0];
    expect(rule.ExpirationInDays).toBe(14);
    expect(rule.Transitions).toBeUndefined();
  });

  test('delivers server access logs through the bucket policy even in an app without the feature flag', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'NoFlags');
    const target = new LogBucket(stack, 'Target');
    new LogBucket(stack, 'Source', { serverAccessLogsBucket: target.bucket });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
    t.allResourcesProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('throws when expiration is zero', () => {
    expect(() => new LogBucket(testStack(), 'B', { expiration: Duration.days(0) })).toThrow(
      /`expiration` must be an integer between 1 and 3650 days, got 0/,
    );
  });
});
