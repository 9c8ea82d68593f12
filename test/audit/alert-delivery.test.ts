/* eslint-disable @typescript-eslint/no-explicit-any -- templates are untyped JSON */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { shippedStacks, ShippedApp } from '../support/shipped-stacks';
import { ResolvedTemplate } from '../support/resolve-template';

/**
 * Every alarm, every EventBridge rule target and every RDS event subscription of the default stack that sends
 * to the alert topic can deliver, and no one else can: each path is evaluated from the template's own topic,
 * queue and key policies by a real IAM policy engine (@cloud-copilot/iam-simulate), with the context each
 * service documents that it sends, for account 111111111111 in eu-west-1. The paths are read from the
 * template, so an alarm or rule added later is covered without being listed here.
 */

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const TLS = { 'aws:SecureTransport': 'true' };

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One request a service makes on a delivery path, and the decision it must get. */
interface Check {
  /** What the request is, in words, for the failure message. */
  readonly path: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The resource policy or key policy that governs it, resolved. */
  readonly policy: any;
  readonly context: Record<string, string>;
  readonly allowed: boolean;
}

/** The engine's decision on `check`; throws if it could not evaluate the request or ignored a key of it. */
async function decide(check: Check): Promise<Decision> {
  const response = await runSimulation(
    {
      request: {
        principal: check.principal,
        action: check.action,
        resource: { resource: check.resource, accountId: ACCOUNT },
        contextVariables: check.context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: check.policy,
    },
    {},
  );
  if (response.resultType !== 'single') {
    throw new Error(`${check.path}: the engine did not evaluate it: ${JSON.stringify(response)}`);
  }
  // A key the engine dropped would make its answer about another request than the one the service sends.
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) throw new Error(`${check.path}: the engine ignored ${ignored.join(', ')}`);
  return response.overallResult as Decision;
}

/** The checks whose decision is not the expected one, as readable lines (empty when all hold). */
async function wrongDecisions(checks: readonly Check[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const check of checks) {
    const decision = await decide(check);
    if ((decision === 'Allowed') !== check.allowed) {
      wrong.push(`${check.path}: ${decision}, expected ${check.allowed ? 'Allowed' : 'denied'}`);
    }
  }
  return wrong;
}

describe.each<ShippedApp>(['the default stack', 'the Aurora variant'])(
  'alert delivery, evaluated from %s',
  (variant) => {
    let t: ResolvedTemplate;
    /** Topic ARN → its resolved topic policy and its key (ARN and resolved key policy). */
    let topics: Map<string, { logicalId: string; policy: any; keyArn: string; keyPolicy: any }>;

    /** The resolved policy document of the `type` policy resource that names `target` in `listProperty`. */
    function policyOf(type: string, listProperty: string, target: string): any {
      const found = t
        .resourcesOfType(type)
        .filter(([, r]) => (t.resolve(r.Properties[listProperty]) as string[]).includes(target));
      expect(found).toHaveLength(1);
      return t.resolve(found[0][1].Properties.PolicyDocument);
    }

    /** The key that encrypts a topic or queue: its ARN and resolved key policy. */
    function keyOf(keyReference: any): { keyArn: string; keyPolicy: any } {
      const keyArn = t.resolve(keyReference);
      const keyId = t.logicalIdOf(keyArn, 'AWS::KMS::Key');
      expect(keyId).toBeDefined();
      return {
        keyArn: t.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }),
        keyPolicy: t.resolve(t.resource(keyId!).Properties.KeyPolicy),
      };
    }

    /** The topic `arn` points at; fails the test when it is not a topic of this template. */
    function topic(arn: string) {
      const found = topics.get(arn);
      if (!found) throw new Error(`${arn} is not a topic of the stack`);
      return found;
    }

    /** Publishing to the topic `topicArn` with `context`. */
    function publish(
      path: string,
      principal: string,
      topicArn: string,
      context: Record<string, string>,
      allowed: boolean,
    ): Check {
      const { policy } = topic(topicArn);
      return {
        path: `${path} → sns:Publish`,
        principal,
        action: 'sns:Publish',
        resource: topicArn,
        policy,
        context,
        allowed,
      };
    }

    /** The two calls to the key `keyArn` that SNS or SQS makes for a publisher, with `context`. */
    function useKey(
      path: string,
      principal: string,
      key: { keyArn: string; keyPolicy: any },
      context: Record<string, string>,
      allowed: boolean,
    ): Check[] {
      return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
        path: `${path} → ${action}`,
        principal,
        action,
        resource: key.keyArn,
        policy: key.keyPolicy,
        context,
        allowed,
      }));
    }

    beforeAll(() => {
      t = new ResolvedTemplate(shippedStacks(variant)[0].template, {
        account: ACCOUNT,
        region: REGION,
      });
      topics = new Map(
        t.resourcesOfType('AWS::SNS::Topic').map(([logicalId, r]) => {
          const arn = t.resolve({ Ref: logicalId });
          return [
            arn,
            {
              logicalId,
              policy: policyOf('AWS::SNS::TopicPolicy', 'Topics', arn),
              ...keyOf(r.Properties.KmsMasterKeyId),
            },
          ];
        }),
      );
    });

    describe('CloudWatch alarms', () => {
      // CloudWatch publishes on behalf of the alarm: its ARN and account are aws:SourceArn and aws:SourceAccount,
      // for the topic and for the key SNS asks on its behalf.
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      const CLOUDWATCH = 'cloudwatch.amazonaws.com';

      test("every alarm of the template may publish to each topic it notifies and use the topic's key; another account's alarm may not, nor any without TLS", async () => {
        const alarms = t.resourcesOfType('AWS::CloudWatch::Alarm');
        const checks = alarms.flatMap(([logicalId, alarm]) => {
          const topicArns: string[] = [
            ...new Set<string>(
              t.resolve([
                ...(alarm.Properties.AlarmActions ?? []),
                ...(alarm.Properties.OKActions ?? []),
                ...(alarm.Properties.InsufficientDataActions ?? []),
              ]),
            ),
          ];
          // An alarm that notifies no one is as silent as one that cannot publish.
          expect({ alarm: logicalId, notifies: topicArns.length > 0 }).toEqual({
            alarm: logicalId,
            notifies: true,
          });
          const arn = t.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] });
          const ours = { 'aws:SourceArn': arn, 'aws:SourceAccount': ACCOUNT };
          const theirs = {
            'aws:SourceArn': arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`),
            'aws:SourceAccount': OTHER_ACCOUNT,
          };
          return topicArns.flatMap((topicArn) => [
            publish(`alarm ${logicalId}`, CLOUDWATCH, topicArn, { ...ours, ...TLS }, true),
            ...useKey(`alarm ${logicalId}`, CLOUDWATCH, topic(topicArn), ours, true),
            publish(
              `alarm ${logicalId} of another account`,
              CLOUDWATCH,
              topicArn,
              { ...theirs, ...TLS },
              false,
            ),
            ...useKey(`alarm ${logicalId} of another account`, CLOUDWATCH, topic(topicArn), theirs, false),
            publish(
              `alarm ${logicalId} without TLS`,
              CLOUDWATCH,
              topicArn,
              { ...ours, 'aws:SecureTransport': 'false' },
              false,
            ),
          ]);
        });
        expect(await wrongDecisions(checks)).toEqual([]);
        expect(alarms.length).toBeGreaterThan(0);
      });

      test('each topic has an alarm on its failed notifications', () => {
        for (const [topicArn, { logicalId }] of topics) {
          const name = t.resolve({ 'Fn::GetAtt': [logicalId, 'TopicName'] });
          const alarms = t.resourcesOfType('AWS::CloudWatch::Alarm').filter(([, a]) => {
            const p = a.Properties;
            return (
              p.Namespace === 'AWS/SNS' &&
              p.MetricName === 'NumberOfNotificationsFailed' &&
              JSON.stringify(t.resolve(p.Dimensions)) === JSON.stringify([{ Name: 'TopicName', Value: name }])
            );
          });
          expect(alarms).toHaveLength(1);
          const p = t.resolve(alarms[0][1].Properties);
          expect(p).toMatchObject({
            Statistic: 'Sum',
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: [topicArn],
          });
        }
      });
    });

    describe('EventBridge rules', () => {
      // EventBridge publishes on behalf of the rule (aws:SourceArn on the topic and on the dead-letter queue):
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
      // Its key request carries no aws:SourceArn, aws:SourceAccount or aws:SourceOrgID ("not supported for
      // EventBridge-to-encrypted topics", the SNS page above): the key is asked with none of them.
      const EVENTS = 'events.amazonaws.com';

      /** Every target of every rule that is a topic of the stack, with its rule's ARN. */
      function topicTargets(): Array<{ rule: string; ruleArn: string; target: any }> {
        return t
          .resourcesOfType('AWS::Events::Rule')
          .flatMap(([rule, r]) =>
            (t.resolve(r.Properties.Targets ?? []) as any[])
              .filter((target) => topics.has(target.Arn))
              .map((target) => ({ rule, ruleArn: t.resolve({ 'Fn::GetAtt': [rule, 'Arn'] }), target })),
          );
      }

      test("every rule that targets a topic may publish to it and use its key; a rule of someone else's may not, nor any without TLS", async () => {
        const targets = topicTargets();
        const otherRule = t.arnOf('events', 'rule/NotThisStacksRule');
        const otherAccountsRule = (arn: string) => arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`);
        const checks = targets.flatMap(({ rule, ruleArn, target }) => [
          publish(
            `rule ${rule}`,
            EVENTS,
            target.Arn,
            { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ACCOUNT, ...TLS },
            true,
          ),
          ...useKey(`rule ${rule} (topic key)`, EVENTS, topic(target.Arn), {}, true),
          publish(
            'a rule not of this stack',
            EVENTS,
            target.Arn,
            { 'aws:SourceArn': otherRule, 'aws:SourceAccount': ACCOUNT, ...TLS },
            false,
          ),
          publish(
            `rule ${rule} of another account`,
            EVENTS,
            target.Arn,
            { 'aws:SourceArn': otherAccountsRule(ruleArn), 'aws:SourceAccount': OTHER_ACCOUNT, ...TLS },
            false,
          ),
          publish(
            `rule ${rule} without TLS`,
            EVENTS,
            target.Arn,
            { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': 'false' },
            false,
          ),
        ]);
        // Change alerts (8), certificate events, backup failures, rotation failures, database and backup changes.
        expect(await wrongDecisions(checks)).toEqual([]);
        expect(targets.length).toBeGreaterThanOrEqual(13);
      });

      test("every such target retries, then dead-letters to a queue that only the stack's rules may send to, and can", async () => {
        const checks = topicTargets().flatMap(({ rule, ruleArn, target }) => {
          expect({ rule, retry: target.RetryPolicy }).toEqual({
            rule,
            retry: { MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) },
          });
          const queueArn = target.DeadLetterConfig?.Arn;
          const queueId = t.logicalIdOf(queueArn, 'AWS::SQS::Queue');
          if (!queueId) throw new Error(`rule ${rule}: its target has no dead-letter queue of the stack`);
          const queueUrl = t.resolve({ Ref: queueId });
          const policy = policyOf('AWS::SQS::QueuePolicy', 'Queues', queueUrl);
          const send = (path: string, context: Record<string, string>, allowed: boolean): Check => ({
            path: `${path} → sqs:SendMessage`,
            principal: EVENTS,
            action: 'sqs:SendMessage',
            resource: queueArn,
            policy,
            context,
            allowed,
          });
          return [
            send(`rule ${rule}`, { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ACCOUNT, ...TLS }, true),
            ...useKey(
              `rule ${rule} (dead-letter queue key)`,
              EVENTS,
              keyOf(t.resource(queueId).Properties.KmsMasterKeyId),
              {},
              true,
            ),
            send(
              'a rule not of this stack',
              {
                'aws:SourceArn': t.arnOf('events', 'rule/NotThisStacksRule'),
                'aws:SourceAccount': ACCOUNT,
                ...TLS,
              },
              false,
            ),
            send(
              `rule ${rule} without TLS`,
              { 'aws:SourceArn': ruleArn, 'aws:SourceAccount': ACCOUNT, 'aws:SecureTransport': 'false' },
              false,
            ),
          ];
        });
        expect(await wrongDecisions(checks)).toEqual([]);
      });

      test('each dead-letter queue keeps its alerts 14 days, survives the stack, and raises an alarm on its first message', () => {
        const queueArns = new Set(topicTargets().map(({ target }) => target.DeadLetterConfig.Arn as string));
        expect(queueArns.size).toBeGreaterThan(0);
        for (const queueArn of queueArns) {
          const queueId = t.logicalIdOf(queueArn, 'AWS::SQS::Queue')!;
          const queue = t.resource(queueId);
          expect(queue).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
          expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
          const name = t.resolve({ 'Fn::GetAtt': [queueId, 'QueueName'] });
          const alarms = t.resourcesOfType('AWS::CloudWatch::Alarm').filter(([, a]) => {
            const p = a.Properties;
            return (
              p.Namespace === 'AWS/SQS' &&
              p.MetricName === 'ApproximateNumberOfMessagesVisible' &&
              JSON.stringify(t.resolve(p.Dimensions)) === JSON.stringify([{ Name: 'QueueName', Value: name }])
            );
          });
          expect(alarms).toHaveLength(1);
          expect(t.resolve(alarms[0][1].Properties)).toMatchObject({
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
            AlarmActions: [expect.stringMatching(/:sns:/)],
          });
        }
      });
    });

    describe('RDS event subscriptions', () => {
      // RDS publishes on behalf of the database an event is about ("SourceARN – Your RDS resource ARN"); which
      // keys its KMS request carries is not documented, so the key is asked with none (the key statement must
      // not depend on them) and the topic policy is what tells one database from another:
      // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.GrantingPermissions.html
      const RDS = 'events.rds.amazonaws.com';
      const SOURCE_RESOURCE: Record<string, string> = { 'db-instance': 'db', 'db-cluster': 'cluster' };

      test("every subscribed database may publish to its topic and use the topic's key; another database may not", async () => {
        const subscriptions = t.resourcesOfType('AWS::RDS::EventSubscription');
        expect(subscriptions.length).toBeGreaterThan(0);
        const checks = subscriptions.flatMap(([logicalId, s]) => {
          const p = t.resolve(s.Properties);
          const sourceArns: string[] = p.SourceIds.map((id: string) =>
            t.arnOf('rds', `${SOURCE_RESOURCE[p.SourceType]}:${id}`),
          );
          expect(sourceArns.length).toBeGreaterThan(0);
          const other = t.arnOf('rds', `${SOURCE_RESOURCE[p.SourceType]}:not-this-database`);
          return sourceArns.flatMap((arn) => {
            const ours = { 'aws:SourceArn': arn, 'aws:SourceAccount': ACCOUNT };
            const theirs = {
              'aws:SourceArn': arn.replace(`:${ACCOUNT}:`, `:${OTHER_ACCOUNT}:`),
              'aws:SourceAccount': OTHER_ACCOUNT,
            };
            return [
              publish(`${logicalId}: ${arn}`, RDS, p.SnsTopicArn, { ...ours, ...TLS }, true),
              ...useKey(`${logicalId}: ${arn}, no source keys`, RDS, topic(p.SnsTopicArn), {}, true),
              publish(
                `${logicalId}: another database`,
                RDS,
                p.SnsTopicArn,
                { 'aws:SourceArn': other, 'aws:SourceAccount': ACCOUNT, ...TLS },
                false,
              ),
              publish(
                `${logicalId}: a database of another account`,
                RDS,
                p.SnsTopicArn,
                { ...theirs, ...TLS },
                false,
              ),
              publish(
                `${logicalId}: ${arn} without TLS`,
                RDS,
                p.SnsTopicArn,
                { ...ours, 'aws:SecureTransport': 'false' },
                false,
              ),
            ];
          });
        });
        expect(await wrongDecisions(checks)).toEqual([]);
      });
    });
  },
);
