import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import { EMAIL_ADDRESS, HTTPS_URL } from '../private/formats';
import { Problems } from '../private/problems';
import { SeparatedDutiesKey } from '../private/separated-key';

/**
 * The key actions a service needs to publish to an encrypted topic (and EventBridge to send to the encrypted
 * dead-letter queue): https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
const PUBLISHER_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey*'];
/**
 * EventBridge retries a failed delivery to the topic (throttling, SNS or KMS unavailable) with back-off up to
 * this many times (its maximum); an access error is not retried. Either goes to the dead-letter queue:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
const ALERT_RETRY_ATTEMPTS = 185;
/** An alert not delivered within this time is dead-lettered, so its alarm tells the same morning. */
const ALERT_MAX_EVENT_AGE = Duration.hours(4);
/** A dead-lettered alert is kept this long: two weeks to notice the queue's alarm and read it. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** Failed deliveries are counted over this period. */
const DELIVERY_ALARM_PERIOD = Duration.minutes(5);

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
   * Key that encrypts alerts at rest, and the dead-letter queue of the alert rules. Its policy must let
   * `cloudwatch.amazonaws.com`, `events.amazonaws.com` and `events.rds.amazonaws.com` use it
   * (`kms:Decrypt`, `kms:GenerateDataKey*`), or alarms, rules and RDS events cannot publish.
   * @default - a new KMS key with rotation enabled, usable by CloudWatch alarms, EventBridge and RDS events
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The stack's alert topic: SNS, encrypted with a customer-managed key, reachable only over TLS, with email
 * and HTTPS subscribers. Alarms of every tier of the stack publish here.
 *
 * Who may publish, each in the form AWS documents for that publisher: CloudWatch alarms of this account and
 * region, the EventBridge rules given to `addEventRule` (no other rule), and RDS event subscriptions that
 * admit themselves (`DatabaseEvents`). A delivery that fails is never silent: rules dead-letter to an
 * encrypted queue with an alarm, and the topic's own failed notifications raise an alarm.
 */
export class AlertTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;
  /** Key that encrypts the topic. */
  public readonly encryptionKey: kms.IKey;
  /** The action that sends an alarm's state changes to this topic. */
  public readonly alarmAction: cloudwatch.IAlarmAction;
  /** Raised when the topic could not deliver a notification to a subscriber (a bouncing address, a webhook down). */
  public readonly failedNotificationsAlarm: cloudwatch.Alarm;
  /** ARNs of the EventBridge rules that may publish here (`addEventRule`). */
  private readonly eventRuleArns: string[] = [];
  private deadLetters?: { queue: sqs.Queue; alarm: cloudwatch.Alarm };
  /** ARNs of the rules whose targets may dead-letter into the queue (`addEventRule`, `deadLettersFor`). */
  private readonly deadLetterRuleArns: string[] = [];

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

    const stack = Stack.of(this);
    // CloudWatch publishes on behalf of an alarm: its ARN and account are the request's aws:SourceArn and
    // aws:SourceAccount (no confused deputy).
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
    // The topic policy names each alarm of this stack that notifies the topic (`alarmsOfThisStack`). The key
    // policy cannot (the key would then depend on the alarms, which depend on the topic, which depends on the
    // key): it admits this account's alarms in this region, and SNS asks for the key only for a publish the
    // topic policy allowed.
    const alarmsOfThisAccount = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
      },
    };
    const alarmsOfThisStack = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.notifyingAlarmArns() }) },
    };

    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = new SeparatedDutiesKey(this, 'Key', {
        description: 'Encrypts the secure-scheduling alert topic',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
      // Each service that publishes to an encrypted topic needs the key, in the form SNS documents for it:
      // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarms',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: PUBLISHER_KEY_ACTIONS,
          resources: ['*'],
          conditions: alarmsOfThisAccount,
        }),
      );
      // No condition, on purpose: SNS documents that aws:SourceAccount, aws:SourceArn and aws:SourceOrgID in a
      // key policy are "not supported for EventBridge-to-encrypted topics" (the page above): the key request
      // carries none of them, so any such condition drops every alert. No other documented key narrows
      // EventBridge here. The gate is the topic policy, which admits the rules given to `addEventRule` alone
      // (exact `aws:SourceArn`), and the dead-letter queue's policy, which admits the same rules: SNS and SQS
      // ask for this key only for a request those policies allowed, and nothing else is encrypted with it.
      // EventBridge's form for an encrypted queue, the dead-letter queue here, is the same unconditioned one:
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowEventBridgeRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: PUBLISHER_KEY_ACTIONS,
          resources: ['*'],
        }),
      );
      // RDS event notifications: no condition either. RDS documents aws:SourceArn and aws:SourceAccount for the
      // topic policy (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.GrantingPermissions.html),
      // where `DatabaseEvents` names the databases, but not which keys its KMS request carries; RDS event
      // notifications have no dead-letter queue, so a condition RDS does not meet would drop every database
      // alert without a trace. SNS asks for the key only for a publish the topic policy allowed.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowRdsEventNotifications',
          principals: [new iam.ServicePrincipal('events.rds.amazonaws.com')],
          actions: PUBLISHER_KEY_ACTIONS,
          resources: ['*'],
        }),
      );
      this.encryptionKey = key;
    }

    this.topic = new sns.Topic(this, 'Resource', {
      displayName: 'secure-scheduling alerts',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    // The topic policy replaces SNS's default one, which let this account's principals publish: every publisher
    // is named here or by `addEventRule` / `DatabaseEvents`.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: alarmsOfThisStack,
      }),
    );
    for (const email of emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of endpoints) {
      this.topic.addSubscription(
        new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    this.alarmAction = new cloudwatchActions.SnsAction(this.topic);

    this.failedNotificationsAlarm = new cloudwatch.Alarm(this, 'FailedNotificationsAlarm', {
      alarmDescription:
        'The alert topic could not deliver an alert to a subscriber (an email address that bounces, a webhook that fails): see the delivery status in SNS, and fix or replace the subscription.',
      metric: this.topic.metricNumberOfNotificationsFailed({
        period: DELIVERY_ALARM_PERIOD,
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // SNS reports the metric only when it delivers: no data is the quiet, healthy state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // Other subscribers still hear of it; the console shows it in any case.
    this.notify(this.failedNotificationsAlarm);
  }

  /**
   * The queue that keeps the alerts EventBridge could not deliver to the topic, once a rule was added
   * (`addEventRule`).
   */
  public get deadLetterQueue(): sqs.IQueue | undefined {
    return this.deadLetters?.queue;
  }

  /**
   * The dead-letter queue (made if need be) for a target of `rule` that is not this topic, such as a state
   * machine the rule starts: what EventBridge cannot deliver there lands in the same queue, under the same
   * alarm. The queue policy admits `rule` by its ARN, like the topic's own rules, and nothing else.
   */
  public deadLettersFor(rule: events.IRule): sqs.IQueue {
    const deadLetters = this.deadLetters ?? this.createDeadLetters();
    this.deadLetterRuleArns.push(rule.ruleArn);
    return deadLetters.queue;
  }

  /** Raised when an alert lands in the dead-letter queue, once a rule was added (`addEventRule`). */
  public get deadLetterAlarm(): cloudwatch.IAlarm | undefined {
    return this.deadLetters?.alarm;
  }

  /**
   * Delivers the events `rule` matches to this topic, as `message`. The topic policy lets EventBridge
   * publish on behalf of the rules added here and no others (exact `aws:SourceArn`): no confused deputy.
   * A delivery that still fails after retries goes to the dead-letter queue, whose alarm tells the topic.
   * The topic's own key already admits EventBridge; a key given as `encryptionKey` must too.
   */
  public addEventRule(rule: events.Rule, message: events.RuleTargetInput): void {
    if (this.eventRuleArns.length === 0) {
      // EventBridge's documented form for an SNS target, listing the rules lazily (those added later too):
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowThisStacksEventRules',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.eventRuleArns }) } },
        }),
      );
    }
    this.eventRuleArns.push(rule.ruleArn);
    const deadLetters = this.deadLetters ?? this.createDeadLetters();
    this.deadLetterRuleArns.push(rule.ruleArn);
    // Not `targets.SnsTopic`: it grants every EventBridge rule of every account the right to publish.
    const topic = this.topic;
    rule.addTarget({
      bind: () => ({
        arn: topic.topicArn,
        input: message,
        deadLetterConfig: { arn: deadLetters.queue.queueArn },
        retryPolicy: {
          maximumRetryAttempts: ALERT_RETRY_ATTEMPTS,
          maximumEventAgeInSeconds: ALERT_MAX_EVENT_AGE.toSeconds(),
        },
      }),
    });
  }

  /**
   * The ARNs of the alarms of this stack whose actions notify this topic, however they were wired (`notify`,
   * `alarmAction`, or an `SnsAction` of their own), read from the construct tree when the template is written:
   * a new alarm is admitted without anyone listing it, and no other alarm is. An alarm of another stack that
   * notifies this topic is not admitted.
   */
  private notifyingAlarmArns(): string[] {
    const stack = Stack.of(this);
    const topicRef = JSON.stringify(stack.resolve(this.topic.topicArn));
    return stack.node
      .findAll()
      .filter((c): c is cloudwatch.CfnAlarm => c instanceof cloudwatch.CfnAlarm && Stack.of(c) === stack)
      .filter((alarm) =>
        [alarm.alarmActions, alarm.okActions, alarm.insufficientDataActions]
          .flatMap((actions) => stack.resolve(actions ?? []) as unknown[])
          .some((action) => JSON.stringify(action) === topicRef),
      )
      .map((alarm) => alarm.attrArn);
  }

  /** Sends the alarm's transitions into ALARM and back to OK to this topic. */
  public notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
  }

  /** Creates, with the first rule, the topic policy statement for the rules, the dead-letter queue and its alarm. */
  private createDeadLetters(): { queue: sqs.Queue; alarm: cloudwatch.Alarm } {
    // The rules whose targets dead-letter here, lazily: the rules added after this one are in it too.
    const thisStacksRules = {
      ArnEquals: { 'aws:SourceArn': Lazy.list({ produce: () => this.deadLetterRuleArns }) },
    };
    // A standard queue (EventBridge takes no FIFO dead-letter queue), encrypted with the topic's key, which
    // admits EventBridge (`AllowEventBridgeRules`): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    const queue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      // It holds the alerts that did not reach anyone: kept when the stack is deleted or the queue replaced.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // It is the end of the line: what lands here is read by a person, after the alarm below.
    acknowledge(queue, 'alertRuleDeadLetterQueue');
    // The rules' documented form for a target dead-letter queue (the page above, "Granting permissions").
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisStacksEventRules',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: thisStacksRules,
      }),
    );
    const alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'An alert of an EventBridge rule (a setting change, a failed backup or rotation, a certificate event) could not be delivered to the alert topic after its retries: read it in the dead-letter queue of the alert topic; its attributes say which rule and why.',
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: DELIVERY_ALARM_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notify(alarm);
    this.deadLetters = { queue, alarm };
    return this.deadLetters;
  }
}

/**
 * Sends the events `rule` matches to `topic`. When the topic is an `AlertTopic`'s, through `addEventRule`, so
 * the topic policy admits this rule alone and failures are dead-lettered; any other topic gets a plain
 * EventBridge target.
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
