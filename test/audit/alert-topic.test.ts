/* eslint-disable @typescript-eslint/no-explicit-any -- templates are untyped JSON */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
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

// Who may publish is evaluated by a policy engine on the default stack in alert-delivery.test.ts; here, the
// shape of what the construct adds for delivery.
describe('AlertTopic delivery', () => {
  function withRules(count: number, props: ConstructorParameters<typeof AlertTopic>[2] = {}) {
    const stack = testStack();
    const alerts = new AlertTopic(stack, 'Alerts', props);
    for (let i = 0; i < count; i++) {
      const rule = new events.Rule(stack, `Rule${i}`, { eventPattern: { source: ['aws.backup'] } });
      alerts.addEventRule(rule, events.RuleTargetInput.fromText('alert'));
    }
    return { stack, alerts, template: Template.fromStack(stack) };
  }

  let two: ReturnType<typeof withRules>;
  beforeAll(() => {
    two = withRules(2);
  });

  test('creates no dead-letter queue until a rule is added, and always an alarm on failed notifications', () => {
    const { alerts, template } = withRules(0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(alerts.deadLetterQueue).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfNotificationsFailed',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('one dead-letter queue for all rules, retained, with its logical id pinned (it holds undelivered alerts)', () => {
    const queues = two.template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toEqual(['AlertsDeadLetterQueueFD3BEF0F']);
    expect(queues.AlertsDeadLetterQueueFD3BEF0F).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        MessageRetentionPeriod: 1209600,
        KmsMasterKeyId: { 'Fn::GetAtt': ['AlertsKey9E1197AF', 'Arn'] },
      },
    });
  });

  test("every rule's target retries, then dead-letters to that queue", () => {
    const rules = Object.values(two.template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule.Properties.Targets).toEqual([
        expect.objectContaining({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['AlertsDeadLetterQueueFD3BEF0F', 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 4 * 3600 },
        }),
      ]);
    }
  });

  // AWS: "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported
  // for EventBridge-to-encrypted topics" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
  // A key statement for EventBridge that names one of them deploys cleanly and drops every alert.
  test('no key statement for EventBridge names a source condition key', () => {
    const statements = Object.values(two.template.findResources('AWS::KMS::Key')).flatMap(
      (key) => key.Properties.KeyPolicy.Statement,
    );
    const forEvents = statements.filter((st: any) =>
      [st.Principal?.Service].flat().includes('events.amazonaws.com'),
    );
    expect(forEvents.length).toBeGreaterThan(0);
    for (const statement of forEvents) {
      expect(JSON.stringify(statement.Condition ?? {})).not.toMatch(/aws:Source(Account|Arn|OrgID)/i);
    }
  });

  test('a given key encrypts the topic and the dead-letter queue; no key is created', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(
      stack,
      'Given',
      'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    const alerts = new AlertTopic(stack, 'Alerts', { encryptionKey: key });
    alerts.addEventRule(
      new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.backup'] } }),
      events.RuleTargetInput.fromText('alert'),
    );
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: key.keyArn });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: key.keyArn });
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
