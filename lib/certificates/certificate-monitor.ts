import * as path from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { acknowledge } from '../compliance/acknowledgements';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { BUNDLE_FILE, bundledHandlerCode } from '../private/bundled-handler';
import { Problems } from '../private/problems';
import { DEFAULT_CERTIFICATE_POLICY } from './assessment';
import { MONITOR_ENVIRONMENT, MONITOR_METRIC } from './monitor-contract';
import { allowVpcNetworkInterfaces } from '../private/vpc-function-network';
import { admitSnsPublisher } from '../private/separated-key';

/** How often the certificates are assessed: ACM renews 60 days ahead, so a day is early enough to act. */
export const DEFAULT_MONITOR_SCHEDULE = events.Schedule.rate(Duration.days(1));
/**
 * The function's runtime: the latest Node.js Lambda offers (AwsSolutions-L1), which ships AWS SDK v3, so the
 * bundle carries none of it.
 */
export const MONITOR_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Retries of a failed run (ACM or SNS unreachable, throttled) before the event goes to the dead-letter queue. */
const MONITOR_RETRY_ATTEMPTS = 2;
/** A run not started within this time is dead-lettered rather than run late: the next day's run is due. */
const MONITOR_MAX_EVENT_AGE = Duration.hours(6);
/** A dead-lettered run is kept this long: two weeks to notice the queue's alarm and look. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** Errors are summed over this period: short, so the alarm clears soon after a retry succeeds. */
const ERRORS_ALARM_PERIOD = Duration.minutes(5);

export interface CertificateMonitorProps {
  /** Certificates to assess, typically the one of the HTTPS listener. */
  readonly certificates: acm.ICertificate[];

  /** The name the certificates must cover, e.g. `schedule.example.com`. */
  readonly domainName: string;

  /** Topic that receives the findings and the dead-letter queue's alarm (the stack's alert topic). */
  readonly topic: sns.ITopic;

  /**
   * Key that encrypts `topic`; the function may use it to publish.
   * @default - the topic's own key, if it has one
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * Fewer days left than this is a finding (`CERT_EXPIRING`). ACM starts renewing 60 days before expiry.
   * @default 30
   */
  readonly minDaysLeft?: number;

  /**
   * When the check runs.
   * @default - once a day
   */
  readonly schedule?: events.Schedule;

  /**
   * How long the function's log is kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Customer-managed key that encrypts the function's log group.
   * @default - a new `LogEncryptionKey`
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * VPC to run the function in, so that its calls to ACM and SNS leave through the VPC's egress controls (the
   * DNS firewall's allow-list, flow logs, NAT). The subnets need a route to those APIs: a NAT gateway, or
   * interface endpoints for ACM and SNS.
   * @default - outside any VPC: the function needs only public AWS APIs, holds no data and accepts no connection
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` the function runs in.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * Watches certificates every day (checklist C1). A Lambda function describes each certificate in ACM,
 * assesses it with the same rules as `secure-scheduling cert-check`, records its days to expiry as the metric
 * `SecureScheduling/DaysToExpiry` (dimension `CertificateArn`) and sends any error finding to the alert topic.
 * Its role may only describe these certificates, publish to this topic and write its own log. A failed run
 * raises an alarm on the topic and is retried; runs that still fail are kept in an encrypted dead-letter queue
 * whose alarm also goes to the topic.
 *
 * With `vpc`, the function runs in the VPC, with a security group that opens HTTPS out only; without, outside
 * any VPC.
 */
export class CertificateMonitor extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** Where runs that failed after their retries are kept. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Raised when a run lands in the dead-letter queue: the certificates went unchecked. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /**
   * Raised when a run of the function fails (an error of its code, or a timeout): the alert comes on the
   * first failed attempt, hours before the dead-letter queue's. Throttled runs are not alarmed here: Lambda
   * retries them until `MONITOR_MAX_EVENT_AGE` and then dead-letters them, which `deadLetterAlarm` reports.
   */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** The schedule. */
  public readonly rule: events.Rule;

  private readonly domainName: string;

  constructor(scope: Construct, id: string, props: CertificateMonitorProps) {
    super(scope, id);
    const minDaysLeft = props.minDaysLeft ?? DEFAULT_CERTIFICATE_POLICY.minDaysLeft;
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;

    const problems = new Problems();
    problems.check(
      props.certificates.length === 0,
      '`certificates` must hold at least one certificate, got none',
    );
    problems.range('minDaysLeft', minDaysLeft, 1, 365, 'days');
    problems.retention('logRetention', logRetention);
    problems.check(
      !Token.isUnresolved(props.domainName) &&
        !/^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(props.domainName),
      `\`domainName\` must be a DNS name like schedule.example.com, got '${props.domainName}'`,
    );
    problems.throwIfAny(this);
    this.domainName = props.domainName;

    const logEncryptionKey =
      props.logEncryptionKey ??
      new LogEncryptionKey(this, 'LogKey', { description: 'Encrypts the certificate monitor log' }).key;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // SQS-managed encryption: EventBridge and Lambda can deliver to it without a key grant, at no key cost.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      // It holds the failed runs someone has not looked at yet: kept when the monitor is turned off, the stack
      // deleted or the queue replaced (CloudFormation deletes a queue with its messages otherwise).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Certificate monitor: describe the certificates, publish findings, write its log',
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeTheCertificates',
        actions: ['acm:DescribeCertificate'],
        resources: props.certificates.map((c) => c.certificateArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishFindings',
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
      }),
    );
    const topicKey = props.topicEncryptionKey ?? props.topic.masterKey;
    if (topicKey) {
      // SNS encrypts a message published to an encrypted topic with the topic's key, as the publisher.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptFindingsForTheTopic',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [topicKey.keyArn],
        }),
      );
      admitSnsPublisher(topicKey, this.role, 'CertificateMonitorPublishes');
    }
    // The metric is written as an embedded-metric-format line in this log, so the role needs no
    // cloudwatch:PutMetricData (an action that cannot be limited to a resource).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLog',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    if (props.vpc) allowVpcNetworkInterfaces(this.role);

    const extension = path.extname(__filename);
    this.function = new lambda.Function(this, 'Function', {
      description: `Assesses the ACM certificate(s) of ${props.domainName} daily and alerts on findings`,
      // Built from TypeScript in the source tree, from the compiled JavaScript in the published package, by
      // esbuild in this process: never Docker, synth stays offline. The Lambda runtime provides AWS SDK v3;
      // bundling it would only add size.
      code: bundledHandlerCode(
        path.join(__dirname, `monitor-handler${extension === '.ts' ? '.ts' : '.js'}`),
        { target: 'node24', externalModules: ['@aws-sdk/*'] },
      ),
      handler: `${path.parse(BUNDLE_FILE).name}.handler`,
      runtime: MONITOR_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: [
              // Out to the ACM and SNS APIs only (HTTPS); nothing in.
              ((): ec2.SecurityGroup => {
                const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
                  vpc: props.vpc,
                  description: 'Certificate monitor: HTTPS out to the ACM and SNS APIs; nothing in',
                  allowAllOutbound: false,
                });
                group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ACM and SNS APIs');
                return group;
              })(),
            ],
          }
        : {}),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: MONITOR_RETRY_ATTEMPTS,
      maxEventAge: MONITOR_MAX_EVENT_AGE,
      // No reserved concurrency: Lambda refuses any reservation that leaves the account fewer than 100
      // unreserved executions, and new accounts may have 10 in all, so a reservation can fail stack creation.
      // The run count is bounded without one: only this rule may invoke the function (its resource policy
      // names the rule), the rule fires on `schedule`, and each run is retried at most MONITOR_RETRY_ATTEMPTS
      // times within MONITOR_MAX_EVENT_AGE, each attempt ending within its timeout.
      environment: {
        [MONITOR_ENVIRONMENT.certificateArns]: props.certificates.map((c) => c.certificateArn).join(','),
        [MONITOR_ENVIRONMENT.domainName]: props.domainName,
        [MONITOR_ENVIRONMENT.minDaysLeft]: String(minDaysLeft),
        [MONITOR_ENVIRONMENT.topicArn]: props.topic.topicArn,
      },
    });
    if (!props.vpc) acknowledge(this.function, 'lambdaOutsideVpc');
    acknowledge(this.function, 'lambdaNoReservedConcurrency');

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Daily certificate check of ${props.domainName}`,
      schedule: props.schedule ?? DEFAULT_MONITOR_SCHEDULE,
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: MONITOR_RETRY_ATTEMPTS,
        maxEventAge: MONITOR_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue,
      }),
    );

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `The certificate check of ${props.domainName} failed after its retries (ACM or SNS could not be reached, or the function failed): the certificates went unchecked. The failed event is in the dead-letter queue; the function's log says why.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `A run of the certificate check of ${props.domainName} failed (an error or a timeout of the function); Lambda retries it ${MONITOR_RETRY_ATTEMPTS} times. The function's log says why.`,
      metric: this.function.metricErrors({ period: ERRORS_ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // The function runs once a day: no data between runs is the healthy state.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const action = new cloudwatchActions.SnsAction(props.topic);
    for (const alarm of [this.deadLetterAlarm, this.errorsAlarm]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  /** Days the certificate has left, as the monitor last recorded it (minimum per day). */
  public metricDaysToExpiry(
    certificate: acm.ICertificate,
    props: cloudwatch.MetricOptions = {},
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: MONITOR_METRIC.namespace,
      metricName: MONITOR_METRIC.name,
      dimensionsMap: { [MONITOR_METRIC.dimension]: certificate.certificateArn },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.days(1),
      label: `Days to expiry of the certificate of ${this.domainName}`,
      ...props,
    });
  }
}
