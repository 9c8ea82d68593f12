import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { AlertTopic } from '../audit/alert-topic';
import { acknowledge } from '../compliance/acknowledgements';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { sourceScopedPrincipal } from '../private/service-trust';
import { Problems } from '../private/problems';

export interface RestartOnRotationProps {
  /** The rotated secret the service's tasks read when they start. */
  readonly secret: secretsmanager.ISecret;

  /** The service whose tasks are replaced after each successful rotation. */
  readonly service: ecs.BaseService;

  /** Key that encrypts the state machine's log group. */
  readonly logEncryptionKey: kms.IKey;

  /**
   * How long the state machine's logs are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Where a restart that could not start or did not succeed is reported: the rule's target dead-letters into
   * the topic's dead-letter queue (under its alarm), and an alarm on the state machine's failed, timed-out or
   * aborted runs notifies the topic.
   * @default - no dead-letter queue and no alarm: a failed restart shows only in the state machine's log
   */
  readonly alerts?: AlertTopic;
}

/** Retries of a start of the state machine EventBridge could not make, before it is dead-lettered. */
const START_RETRY_ATTEMPTS = 3;
/** A restart not started within this time is dead-lettered: the tasks read the old password until then. */
const START_MAX_EVENT_AGE = Duration.hours(1);

/**
 * Replaces the app's tasks after each successful rotation of the database password. ECS reads a secret only
 * when a task starts, so without this the running tasks would keep the old password and fail to open new
 * connections once the rotation has changed it.
 *
 * No code of our own runs: an EventBridge rule on Secrets Manager's `RotationSucceeded` event starts a state
 * machine whose one step calls ECS `UpdateService` with `forceNewDeployment`, a rolling replacement that keeps
 * the running count (the service's circuit breaker rolls back if the new tasks fail).
 */
export class RestartOnRotation extends Construct {
  /** The state machine that forces a new deployment of the service. */
  public readonly stateMachine: sfn.StateMachine;
  /** The rule that starts it on each successful rotation of the secret. */
  public readonly rule: events.Rule;
  /** Log group of the state machine. */
  public readonly logGroup: logs.LogGroup;
  /** Raised when a restart failed, timed out or was aborted, when `alerts` is given. */
  public readonly failureAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RestartOnRotationProps) {
    super(scope, id);

    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const problems = new Problems();
    problems.retention('logRetention', logRetention);
    problems.throwIfAny(this);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const restart = new tasks.CallAwsService(this, 'ForceNewDeployment', {
      service: 'ecs',
      action: 'updateService',
      iamAction: 'ecs:UpdateService',
      iamResources: [props.service.serviceArn],
      parameters: {
        Cluster: props.service.cluster.clusterArn,
        Service: props.service.serviceName,
        ForceNewDeployment: true,
      },
      resultSelector: { 'deploymentCount.$': 'States.ArrayLength($.Service.Deployments)' },
    });
    const role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: sourceScopedPrincipal(this, 'states.amazonaws.com'),
      description: 'Forces a new deployment of the app service after a database password rotation',
    });
    // Log delivery and X-Ray take no resource-level permissions; everything else is scoped (see the reason).
    acknowledge(role, 'stateMachineLogDeliveryAndTracing');
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      role,
      definitionBody: sfn.DefinitionBody.fromChainable(restart),
      comment: 'Replaces the app tasks so they read the rotated database password',
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'A successful rotation of the database password restarts the app tasks',
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationSucceeded'],
          additionalEventData: { SecretId: [props.secret.secretArn] },
        },
      },
    });
    const eventsRole = new ManagedPolicyRole(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Starts the restart of the app tasks after a database password rotation',
    });
    this.stateMachine.grantStartExecution(eventsRole);
    // Written out rather than `targets.SfnStateMachine`, so the dead-letter queue is the alert topic's, whose
    // policy admits this rule by its ARN alongside the alert rules (one statement, one alarm).
    const deadLetterQueue = props.alerts?.deadLettersFor(this.rule);
    const stateMachine = this.stateMachine;
    this.rule.addTarget({
      bind: () => ({
        arn: stateMachine.stateMachineArn,
        role: eventsRole,
        ...(deadLetterQueue
          ? {
              deadLetterConfig: { arn: deadLetterQueue.queueArn },
              retryPolicy: {
                maximumRetryAttempts: START_RETRY_ATTEMPTS,
                maximumEventAgeInSeconds: START_MAX_EVENT_AGE.toSeconds(),
              },
            }
          : {}),
      }),
    });

    if (props.alerts) {
      this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
        alarmDescription:
          "The app tasks were not restarted after a rotation of the database password (the forced deployment failed, timed out or was aborted): running tasks keep the old password and cannot open new connections. Read the state machine's log, then force a new deployment of the service.",
        metric: new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: this.stateMachine.metricFailed(),
            timedOut: this.stateMachine.metricTimedOut(),
            aborted: this.stateMachine.metricAborted(),
          },
          period: Duration.minutes(5),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        // The state machine runs once a rotation: no data is the quiet, healthy state.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      props.alerts.notify(this.failureAlarm);
    }
  }
}
