import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
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
}

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
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
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
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          role: new ManagedPolicyRole(this, 'EventsRole', {
            assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
            description: 'Starts the restart of the app tasks after a database password rotation',
          }),
        }),
      ],
    });
  }
}
