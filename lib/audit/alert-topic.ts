import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { EMAIL_ADDRESS, HTTPS_URL } from '../private/formats';
import { Problems } from '../private/problems';

export interface AlertTopicProps {
  /**
   * Email addresses that receive every alert. Each address confirms its subscription once, by a link AWS mails.
   * @default - none
   */
  readonly emails?: string[];

  /**
   * HTTPS endpoints (for example a chat or paging webhook) that receive every alert as an SNS notification.
   * @default - none
   */
  readonly httpsEndpoints?: string[];

  /**
   * Key that encrypts alerts at rest.
   * @default - a new KMS key with rotation enabled, usable by CloudWatch alarms, EventBridge and RDS events
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The stack's alert topic: SNS, encrypted with a customer-managed key, reachable only over TLS, with email
 * and HTTPS subscribers. Alarms of every tier of the stack publish here.
 */
export class AlertTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;
  /** Key that encrypts the topic. */
  public readonly encryptionKey: kms.IKey;
  /** The action that sends an alarm's state changes to this topic. */
  public readonly alarmAction: cloudwatch.IAlarmAction;
  /** ARNs of the EventBridge rules that may publish here (`addEventRule`). */
  private readonly eventRuleArns: string[] = [];

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);

    const emails = props.emails ?? [];
    const endpoints = props.httpsEndpoints ?? [];
    const problems = new Problems();
    const badEmails = emails.filter((e) => !Token.isUnresolved(e) && !EMAIL_ADDRESS.test(e));
    problems.check(
      badEmails.length > 0,
      `\`emails\` must hold email addresses like ops@example.com, got ${badEmails.map((e) => `'${e}'`).join(', ')}`,
    );
    const badEndpoints = endpoints.filter((u) => !Token.isUnresolved(u) && !HTTPS_URL.test(u));
    problems.check(
      badEndpoints.length > 0,
      `\`httpsEndpoints\` must hold https:// URLs, got ${badEndpoints.map((u) => `'${u}'`).join(', ')}`,
    );
    problems.throwIfAny(this);

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = new kms.Key(this, 'Key', {
        description: 'Encrypts the secure-scheduling alert topic',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
      // CloudWatch alarms, EventBridge (which also forwards AWS Backup's job events) and RDS event
      // notifications publish to an encrypted topic only if they may use its key.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAlarmAndEventPublishers',
          principals: [
            new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
            new iam.ServicePrincipal('events.amazonaws.com'),
            new iam.ServicePrincipal('events.rds.amazonaws.com'),
          ],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          // Only on behalf of this account's alarms and rules (no confused deputy).
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      );
      this.encryptionKey = key;
    }

    this.topic = new sns.Topic(this, 'Resource', {
      displayName: 'secure-scheduling alerts',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    for (const email of emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of endpoints) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    this.alarmAction = new cloudwatchActions.SnsAction(this.topic);
  }

  /**
   * Delivers the events `rule` matches to this topic, as `message`. The topic policy lets EventBridge
   * publish on behalf of the rules added here and no others (`aws:SourceArn`, `aws:SourceAccount`): no
   * confused deputy. The topic's own key already admits EventBridge; a key given as `encryptionKey` must too.
   */
  public addEventRule(rule: events.Rule, message: events.RuleTargetInput): void {
    if (this.eventRuleArns.length === 0) {
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowThisStacksEventRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: {
            ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.eventRuleArns }) },
            StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          },
        }),
      );
    }
    this.eventRuleArns.push(rule.ruleArn);
    // Not `targets.SnsTopic`: it grants every EventBridge rule of every account the right to publish.
    const topic = this.topic;
    rule.addTarget({ bind: () => ({ arn: topic.topicArn, input: message }) });
  }

  /** Sends the alarm's transitions into ALARM and back to OK to this topic. */
  public notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
  }
}

/**
 * Sends the events `rule` matches to `topic`. When the topic is an `AlertTopic`'s, through `addEventRule`, so
 * the topic policy admits this rule alone; any other topic gets a plain EventBridge target.
 */
export function sendEventsToTopic(
  rule: events.Rule,
  topic: sns.ITopic,
  message: events.RuleTargetInput = events.RuleTargetInput.fromEventPath('$'),
): void {
  const owner = topic.node.scope;
  if (owner instanceof AlertTopic && owner.topic === topic) {
    owner.addEventRule(rule, message);
  } else {
    rule.addTarget(new targets.SnsTopic(topic, { message }));
  }
}
