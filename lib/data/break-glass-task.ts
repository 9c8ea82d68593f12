import { CfnOutput, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AlertTopic } from '../audit/alert-topic';
import {
  BREAK_GLASS_CONTAINER,
  BREAK_GLASS_IMAGE,
  BREAK_GLASS_USER,
  DATABASE_SSL_MODE,
  DEFAULT_LOG_RETENTION,
} from '../private/defaults';
import { isPinnedImage } from '../private/image-reference';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { sourceScopedPrincipal } from '../private/service-trust';

export interface BreakGlassTaskProps {
  /** Cluster the task runs in (the app's). */
  readonly cluster: ecs.ICluster;
  /** VPC of the database. */
  readonly vpc: ec2.IVpc;
  /** Subnets the task runs in: private ones that reach the database and, for the image and secret, AWS. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The database: its security group admits the task on `port`. */
  readonly database: ec2.IConnectable;
  /** Host name of the database endpoint. */
  readonly hostname: string;
  /** Port of the database. */
  readonly port: number;
  /** Name of the app's database. */
  readonly databaseName: string;
  /**
   * The secret of the database user the operator acts as (the RDS master user's: the point of break glass is
   * to act where the app's own role may not). Read by the task's execution role when the task starts, never
   * written into the template.
   */
  readonly secret: secretsmanager.ISecret;
  /** Topic alerted at every run, with who started it and the command. */
  readonly alerts: AlertTopic;
  /**
   * Image with the PostgreSQL client (`psql`), pinned by tag or digest.
   * @default BREAK_GLASS_IMAGE (the official PostgreSQL image, Alpine variant)
   */
  readonly image?: string;
  /** Retention of the task's log group, where every query and its output are kept. @default THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Key of the log group. */
  readonly logEncryptionKey: kms.IKey;
}

/**
 * The sanctioned way an operator reaches the database in an incident (checklist C3), off until asked for: a
 * one-off Fargate task with the PostgreSQL client, in the app subnets, that runs the SQL given in the
 * `aws ecs run-task` request and exits. Nothing is opened by hand: the database admits the task's own security
 * group, the task reads the credentials from Secrets Manager when it starts, and there is no shell (ECS Exec
 * stays off, on this task as on the app service).
 *
 * Every run leaves three records: CloudTrail's `RunTask` event (who, when, the SQL in the container override),
 * an alert to the topic the moment it is called, and the query with its output in an encrypted log group.
 * The output `BreakGlassCommand` is the command to start it.
 */
export class BreakGlassTask extends Construct {
  /** The task definition operators run. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Security group of the task: out to the database port and HTTPS only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Role ECS uses to start the task (image, secret, logs); grant it read access where a policy restricts it. */
  public readonly executionRole: iam.IRole;
  /** Where each run's queries and output go. */
  public readonly logGroup: logs.LogGroup;
  /** The rule that alerts on every `RunTask` of this task definition. */
  public readonly rule: events.Rule;
  /** The AWS CLI command that runs one SQL statement (replace `SELECT 1`). */
  public readonly runCommand: string;

  constructor(scope: Construct, id: string, props: BreakGlassTaskProps) {
    super(scope, id);
    const image = props.image ?? BREAK_GLASS_IMAGE;
    const problems = new Problems();
    problems.check(
      !Token.isUnresolved(image) && !isPinnedImage(image),
      `\`image\` of the break-glass task must be pinned to a version tag or a digest (checklist C4), got '${image}'`,
    );
    problems.retention('logRetention', props.logRetention ?? DEFAULT_LOG_RETENTION);
    problems.throwIfAny(this);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Break-glass database task: out to the database and to AWS APIs over HTTPS only',
      allowAllOutbound: false,
    });
    // Image pull, the secret and the logs go over HTTPS (through NAT or the interface endpoints).
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'AWS APIs and the image registry',
    );
    this.securityGroup.connections.allowTo(
      props.database,
      ec2.Port.tcp(props.port),
      'Break-glass task to the database',
    );

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const connection = [
      `host=${props.hostname}`,
      `port=${props.port}`,
      `dbname=${props.databaseName}`,
      `sslmode=${DATABASE_SSL_MODE}`,
      'connect_timeout=10',
      'application_name=break-glass',
    ].join(' ');
    const executionRole = new ManagedPolicyRole(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Starts the break-glass database task (image, database secret, logs)',
    });
    this.executionRole = executionRole;
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: 256,
      memoryLimitMiB: 512,
      executionRole,
      // The task calls no AWS API: its role may do nothing, and only ECS acting for this account may assume it.
      taskRole: new ManagedPolicyRole(this, 'TaskRole', {
        assumedBy: sourceScopedPrincipal(this, 'ecs-tasks.amazonaws.com'),
        description: 'Role inside the break-glass database task: no permissions',
      }),
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.taskDefinition.addContainer(BREAK_GLASS_CONTAINER, {
      image: ecs.ContainerImage.fromRegistry(image),
      user: BREAK_GLASS_USER,
      readonlyRootFilesystem: true,
      essential: true,
      // Without an override the task only proves it can connect, and exits. The connection settings are in the
      // command (a libpq connection string), not in environment variables; only the credentials are injected.
      command: psqlCommand(connection, 'SELECT 1'),
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(props.secret, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(props.secret, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'break-glass', logGroup: this.logGroup }),
      linuxParameters: new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true }),
    });
    // No Linux capability at all: psql needs none.
    this.taskDefinition.defaultContainer?.linuxParameters?.dropCapabilities(ecs.Capability.ALL);

    // RunTask names the task definition by family or ARN, with or without a revision; the colon and the slash
    // keep a family that merely starts with this one's name out.
    const family = this.taskDefinition.family;
    this.rule = new events.Rule(this, 'RunRule', {
      description: 'Every start of the break-glass database task alerts the topic',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ecs.amazonaws.com'],
          eventName: ['RunTask', 'StartTask'],
          requestParameters: {
            taskDefinition: [
              family,
              { prefix: `${family}:` },
              { suffix: `:task-definition/${family}` },
              { wildcard: `*:task-definition/${family}:*` },
            ],
          },
        },
      },
    });
    const field = (path: string) => events.EventField.fromPath(path);
    props.alerts.addEventRule(
      this.rule,
      events.RuleTargetInput.fromObject({
        alert: 'The break-glass database task was started: someone is acting on the database directly',
        who: `${field('$.detail.userIdentity.arn')} (${field('$.detail.userIdentity.type')})`,
        what: field('$.detail.eventName'),
        overrides: field('$.detail.requestParameters.overrides'),
        from: `${field('$.detail.sourceIPAddress')} using ${field('$.detail.userAgent')}`,
        when: field('$.detail.eventTime'),
        failedWith: `${field('$.detail.errorCode')} ${field('$.detail.errorMessage')}`,
        eventId: field('$.detail.eventID'),
      }),
    );

    const subnets = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;
    const network = `awsvpcConfiguration={subnets=[${subnets.join(',')}],securityGroups=[${this.securityGroup.securityGroupId}],assignPublicIp=DISABLED}`;
    const overrides = JSON.stringify({
      containerOverrides: [
        {
          name: BREAK_GLASS_CONTAINER,
          command: psqlCommand(connection, 'SELECT 1'),
        },
      ],
    });
    this.runCommand = `aws ecs run-task --cluster ${props.cluster.clusterName} --task-definition ${family} --launch-type FARGATE --platform-version LATEST --network-configuration '${network}' --overrides '${overrides}'`;
    new CfnOutput(this, 'Command', {
      value: this.runCommand,
      description:
        'Runs one SQL statement on the database as its administrator (replace SELECT 1); alerted and logged',
    });
  }
}

/** `psql` running one statement on `connection`, echoing it, stopping at the first error. */
function psqlCommand(connection: string, sql: string): string[] {
  return [
    'psql',
    '--dbname',
    connection,
    '--no-psqlrc',
    '--echo-all',
    '--set',
    'ON_ERROR_STOP=1',
    '--command',
    sql,
  ];
}
