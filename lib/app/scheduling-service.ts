import { Duration, RemovalPolicy, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { findingsReady, MaskingFindings, maskingPolicy } from '../audit/log-data-protection';
import { acknowledge } from '../compliance/acknowledgements';
import {
  DEFAULT_CPU,
  DEFAULT_CPU_TARGET_PERCENT,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_EGRESS_PORTS,
  DEFAULT_HEALTH_CHECK_GRACE,
  DEFAULT_HEALTH_CHECK_INTERVAL,
  DEFAULT_LOG_RETENTION,
  DEFAULT_MAX_COUNT,
  DEFAULT_MEMORY_MIB,
  DEFAULT_REQUESTS_PER_TARGET,
  DATABASE_SSL_MODE,
} from '../private/defaults';
import { dataIdentifierProblems, DEFAULT_MASKED_DATA_IDENTIFIERS } from '../private/log-data-identifiers';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { sourceScopedPrincipal } from '../private/service-trust';
import { parseImageReference } from '../private/image-reference';
import { Problems } from '../private/problems';
import { isSecretName } from '../private/secret-name-words';
import {
  ALB_HEALTH_CHECK_INTERVAL_SECONDS,
  healthCheckPathProblems,
  passwordLengthProblems,
  secondsProblems,
} from '../private/service-limits';
import { tlsVerificationProblems } from '../private/tls-environment';
import { TlsLoadBalancer } from '../ingress/tls-load-balancer';
import {
  copyScript,
  isSafePath,
  isWithin,
  ownerCommand,
  PREPARED_STAGING_ROOT,
  stagingPath,
} from '../private/volume-preparation';
import { BoundImage, ImageSource } from './image-source';
import { SchedulingAppDefinition } from './scheduling-app';
import { SeparatedDutiesKey } from '../private/separated-key';

/** The volume ownership step is the one container that runs as root, with CAP_CHOWN as its only capability. */
const ROOT_USER = '0';

/** Fargate's valid CPU units and, for each, the memory sizes (MiB) it can be paired with. */
const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

/** The database the app connects to, as `SchedulingDatabase` exposes it. */
export interface ServiceDatabase {
  /** Secret holding JSON `username` and `password` (rotated: read by each task when it starts). */
  readonly secret: secretsmanager.ISecret;
  /** Host name of the database endpoint. */
  readonly hostname: string;
  /** Port of the database. */
  readonly port: number;
  /** Name of the app's database. */
  readonly databaseName: string;
  /** The database's security group(s): the app may open connections to them on `port`, and nothing else. */
  readonly connections: ec2.IConnectable;
}

export interface SchedulingServiceProps {
  /** VPC of the tasks. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the tasks: private ones, never public.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * HTTPS listener that forwards to the app. The HTTPS listener of a `TlsLoadBalancer`
   * (`TlsLoadBalancer.httpsListener`) forwards only the load balancer's own host names and answers any other
   * Host with 404; any other listener forwards every request to the app (its default action).
   */
  readonly listener: elbv2.ApplicationListener;

  /** What runs: `SchedulingApp.calCom({...})` or `SchedulingApp.container({...})`. */
  readonly app: SchedulingAppDefinition;

  /**
   * Where the app's image comes from: a registry by reference, a private ECR repository, or an ECR pull through
   * cache (`ImageSource`). The service grants its execution role the pull of that image alone.
   * @default - `ImageSource.registry(app.imageReference)`
   */
  readonly imageSource?: ImageSource;

  /**
   * More environment values from existing secrets (for example `DATABASE_URL`).
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;

  /**
   * The PostgreSQL database of the app. The tasks get libpq's PGHOST, PGPORT, PGDATABASE and PGSSLMODE=require
   * as settings and PGUSER and PGPASSWORD from the secret; an app with a `databaseUrl` wiring also gets its URL
   * variables. The tasks' egress gains the database port, to the database's security group only.
   * @default - no database
   */
  readonly database?: ServiceDatabase;

  /**
   * CPU units of a task (256 = 0.25 vCPU).
   * @default 1024
   */
  readonly cpu?: number;

  /**
   * Memory of a task in MiB; also the container's hard limit.
   * @default 2048
   */
  readonly memoryLimitMiB?: number;

  /**
   * Tasks to run normally; also the autoscaling minimum. Two or more spread the app over two zones.
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * Most tasks autoscaling may run.
   * @default 6
   */
  readonly maxCount?: number;

  /**
   * Average CPU utilization autoscaling aims for, in percent.
   * @default 60
   */
  readonly cpuTargetPercent?: number;

  /**
   * Requests per task per minute autoscaling aims for.
   * @default 500
   */
  readonly requestsPerTarget?: number;

  /**
   * Path the load balancer probes.
   * @default - the app definition's `healthCheckPath`
   */
  readonly healthCheckPath?: string;

  /**
   * Time between two health probes.
   * @default Duration.seconds(30)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Time a new task has to become healthy before failed probes count.
   * @default - the app definition's `healthCheckGracePeriod` (15 minutes for Cal.com), else two minutes
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * How long the app's logs are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the app's log group.
   * @default - a new KMS key with rotation enabled
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * CloudWatch Logs managed data identifiers that the app's log group masks as it ingests the logs (checklist
   * C7), by name: the region-independent ones of
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-managed-data-identifiers.html
   * @default - EmailAddress, AwsSecretKey, OpenSshPrivateKey, PgpPrivateKey, PkcsPrivateKey and PuttyPrivateKey
   */
  readonly maskedDataIdentifiers?: string[];

  /**
   * Log group that receives the masking's audit findings (which log event held which kind of data, never the
   * data). A log group of another construct must admit the log delivery service (`MaskingFindings` does).
   * @default - a new `MaskingFindings` log group, encrypted with `logEncryptionKey` and kept for `logRetention`
   */
  readonly maskingFindingsLogGroup?: logs.ILogGroup;

  /**
   * Key that encrypts the generated secrets.
   * @default - a new KMS key with rotation enabled
   */
  readonly secretsEncryptionKey?: kms.IKey;

  /**
   * TCP ports the tasks may open connections to, anywhere (checklist C8). Add 587 or 465 for an SMTP server
   * outside the VPC; the database port is opened to the database alone by the data tier.
   * @default [443]
   */
  readonly egressPorts?: number[];

  /**
   * Mount the root file system read-write. Only for images that must write outside their scratch paths;
   * reported by the checklist.
   * @default false
   */
  readonly writableRootFilesystem?: boolean;
}

/**
 * The scheduling app on ECS Fargate (checklist C3, C4, C5, C8): tasks in private subnets with no public IP,
 * reachable only from the load balancer; secrets from Secrets Manager, never plain environment values;
 * read-only root file system with scratch volumes, a non-root user and a memory hard limit; the latest
 * Fargate platform; a deployment circuit breaker that rolls back; autoscaling on CPU and requests; logs with
 * a retention limit; Container Insights; and outbound traffic limited to HTTPS.
 */
export class SchedulingService extends Construct implements ec2.IConnectable {
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The app container. */
  public readonly container: ecs.ContainerDefinition;
  /** The image the tasks run; `image.sendFindingsTo(alerts)` sends its scan findings to an alert topic. */
  public readonly image: BoundImage;
  /**
   * The step that hands the task volumes to the app's user before anything else starts (root with CAP_CHOWN
   * only, then it exits); absent when the app has no volume or its definition turns it off.
   */
  public readonly volumeOwnerContainer?: ecs.ContainerDefinition;
  /**
   * The step that copies the app definition's `preparedPaths` into their volumes before the app starts; absent
   * when there are none.
   */
  public readonly prepareContainer?: ecs.ContainerDefinition;
  /** Target group the HTTPS listener forwards to. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** Log group of the app; it masks email addresses and credentials as it ingests them (checklist C7). */
  public readonly logGroup: logs.LogGroup;
  /** Log group that receives the audit findings of the app log group's masking. */
  public readonly maskingFindingsLogGroup: logs.ILogGroup;
  /** Generated secrets, by environment variable name. */
  public readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;
  /** Security group of the tasks. */
  public readonly connections: ec2.Connections;
  /** Autoscaling of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;
  /** Tasks that run at the least (the autoscaling minimum). */
  public readonly minTaskCount: number;

  constructor(scope: Construct, id: string, props: SchedulingServiceProps) {
    super(scope, id);

    const app = props.app;
    const cpu = props.cpu ?? DEFAULT_CPU;
    const memoryLimitMiB = props.memoryLimitMiB ?? DEFAULT_MEMORY_MIB;
    const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
    const maxCount = props.maxCount ?? Math.max(DEFAULT_MAX_COUNT, desiredCount);
    const cpuTargetPercent = props.cpuTargetPercent ?? DEFAULT_CPU_TARGET_PERCENT;
    const requestsPerTarget = props.requestsPerTarget ?? DEFAULT_REQUESTS_PER_TARGET;
    const healthCheckPath = props.healthCheckPath ?? app.healthCheckPath;
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const egressPorts = props.egressPorts ?? [...DEFAULT_EGRESS_PORTS];
    validate(this, props, {
      cpu,
      memoryLimitMiB,
      desiredCount,
      maxCount,
      cpuTargetPercent,
      requestsPerTarget,
      healthCheckPath,
      logRetention,
      egressPorts,
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      // Pulls the image, reads the secrets, writes the logs.
      executionRole: new ManagedPolicyRole(this, 'ExecutionRole', {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        description: `Starts the ${app.name} tasks`,
      }),
      // What the app itself may call in AWS: nothing, until a grant adds it.
      taskRole: new ManagedPolicyRole(this, 'TaskRole', {
        assumedBy: sourceScopedPrincipal(this, 'ecs-tasks.amazonaws.com'),
        description: `Role of the ${app.name} app inside its tasks`,
      }),
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });

    const logEncryptionKey =
      props.logEncryptionKey ??
      new LogEncryptionKey(this, 'LogKey', { description: 'Encrypts the app logs' }).key;
    this.maskingFindingsLogGroup =
      props.maskingFindingsLogGroup ??
      new MaskingFindings(this, 'MaskingFindings', {
        encryptionKey: logEncryptionKey,
        retention: logRetention,
      }).logGroup;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      // Whatever the app prints: Cal.com's errors name attendees and hosts by their email address. Adding the
      // policy to an existing log group updates it in place.
      dataProtectionPolicy: maskingPolicy(
        props.maskedDataIdentifiers ?? DEFAULT_MASKED_DATA_IDENTIFIERS,
        this.maskingFindingsLogGroup,
      ),
    });
    this.logGroup.node.addDependency(findingsReady(this.maskingFindingsLogGroup));

    const secretNames = Object.keys(app.generatedSecrets);
    const secretsKey =
      secretNames.length === 0
        ? undefined
        : (props.secretsEncryptionKey ??
          new SeparatedDutiesKey(this, 'SecretsKey', {
            description: `Encrypts the generated secrets of ${app.name}`,
            enableKeyRotation: true,
            removalPolicy: RemovalPolicy.RETAIN,
          }));
    const secrets: Record<string, secretsmanager.Secret> = {};
    for (const [name, spec] of Object.entries(app.generatedSecrets)) {
      secrets[name] = new secretsmanager.Secret(this, pascalCase(name), {
        description: spec.description,
        encryptionKey: secretsKey,
        // Never typed by a person, never shown in a template: generated by Secrets Manager at deploy time.
        generateSecretString: { passwordLength: spec.length, excludePunctuation: true, includeSpace: false },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      acknowledge(secrets[name], 'generatedAppSecret');
    }
    this.secrets = secrets;

    // The execution role is granted the image's pull when the container definition uses it.
    this.image = (props.imageSource ?? ImageSource.registry(app.imageReference)).bind(this);
    const image = this.image.image;
    const logging = ecs.LogDrivers.awsLogs({
      logGroup: this.logGroup,
      streamPrefix: app.name,
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      maxBufferSize: Size.mebibytes(25),
    });
    this.container = this.taskDefinition.addContainer('App', {
      image,
      essential: true,
      memoryLimitMiB,
      user: app.user,
      readonlyRootFilesystem: !(props.writableRootFilesystem ?? false),
      environment: { ...app.environment, ...databaseEnvironment(props.database) },
      secrets: {
        ...Object.fromEntries(
          Object.entries(secrets).map(([name, secret]) => [name, ecs.Secret.fromSecretsManager(secret)]),
        ),
        ...databaseSecrets(props.database),
        ...props.secrets,
      },
      ...databaseUrlStart(app, props.database),
      portMappings: [{ containerPort: app.containerPort, protocol: ecs.Protocol.TCP, name: 'http' }],
      logging,
      stopTimeout: Duration.seconds(30),
      linuxParameters: new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: true }),
    });
    if (Object.keys(app.environment).length > 0) {
      acknowledge(this.taskDefinition, 'appEnvironment');
    }
    if (this.image.inEcr) {
      acknowledge(this.taskDefinition.obtainExecutionRole(), 'ecrAuthorizationToken');
    }
    // No Linux capabilities beyond what the app needs: none, since it binds an unprivileged port.
    this.container.linuxParameters?.dropCapabilities(ecs.Capability.ALL);
    const steps = this.addStartSteps(app, image, logging);
    this.volumeOwnerContainer = steps.volumeOwner;
    this.prepareContainer = steps.prepare;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${app.name} tasks: in from the load balancer on the app port only; out on HTTPS only`,
      allowAllOutbound: false,
    });
    // Calendar, mail and video integrations are HTTPS APIs; nothing else leaves the app (checklist C8) unless
    // named in `egressPorts` (for example SMTP submission on 587).
    for (const port of egressPorts) {
      securityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(port),
        port === 443 ? 'HTTPS to AWS and calendar APIs' : `Port ${port}, named in egressPorts`,
      );
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod:
        props.healthCheckGracePeriod ?? app.healthCheckGracePeriod ?? DEFAULT_HEALTH_CHECK_GRACE,
      enableExecuteCommand: false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
    });
    this.connections = this.service.connections;
    if (props.database) {
      // Adds egress on the database port to the database's security group, and the matching ingress there.
      this.connections.allowTo(
        props.database.connections,
        ec2.Port.tcp(props.database.port),
        `${app.name} to its database`,
      );
    }

    const tlsLoadBalancer = TlsLoadBalancer.ofListener(props.listener);
    const attach = tlsLoadBalancer
      ? (id: string, targets: elbv2.AddApplicationTargetsProps) => tlsLoadBalancer.addTargets(id, targets)
      : (id: string, targets: elbv2.AddApplicationTargetsProps) => props.listener.addTargets(id, targets);
    this.targetGroup = attach('App', {
      port: app.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [
        this.service.loadBalancerTarget({
          containerName: this.container.containerName,
          containerPort: app.containerPort,
        }),
      ],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: healthCheckPath,
        interval: props.healthCheckInterval ?? DEFAULT_HEALTH_CHECK_INTERVAL,
        healthyHttpCodes: '200-299',
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    this.minTaskCount = desiredCount;
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: desiredCount, maxCapacity: maxCount });
    this.scaling.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: cpuTargetPercent });
    this.scaling.scaleOnRequestCount('RequestScaling', {
      requestsPerTarget,
      targetGroup: this.targetGroup,
    });
  }

  /**
   * The task's volumes, mounted in the app container, and the steps that make them usable before it starts:
   * hand them to the app's user, then copy the prepared paths into theirs. Each step waits for the one before
   * it, and the app for the last.
   */
  private addStartSteps(
    app: SchedulingAppDefinition,
    image: ecs.ContainerImage,
    logging: ecs.LogDriver,
  ): { readonly volumeOwner?: ecs.ContainerDefinition; readonly prepare?: ecs.ContainerDefinition } {
    // Task volumes live on the task's ephemeral storage (encrypted, gone when the task stops): scratch paths start
    // empty, prepared paths start as a copy of the image's directory.
    const volumes: { readonly name: string; readonly path: string }[] = [];
    let volumeOwner: ecs.ContainerDefinition | undefined;
    let prepare: ecs.ContainerDefinition | undefined;
    app.writablePaths.forEach((path, i) => volumes.push({ name: `scratch-${i}`, path }));
    const preparedPaths = app.preparedPaths ?? [];
    preparedPaths.forEach((path, i) => volumes.push({ name: `prepared-${i}`, path }));
    for (const volume of volumes) {
      this.taskDefinition.addVolume({ name: volume.name });
      this.container.addMountPoints({
        sourceVolume: volume.name,
        containerPath: volume.path,
        readOnly: false,
      });
    }

    // Fargate creates each volume owned by root, mode 0755 (docs/first-deploy.md): hand them to the app's user
    // first, with the one capability that takes (CAP_CHOWN), so neither the copy nor the app needs root.
    if (volumes.length > 0 && (app.chownVolumes ?? true)) {
      volumeOwner = this.taskDefinition.addContainer('VolumeOwner', {
        image,
        essential: false,
        user: ROOT_USER,
        readonlyRootFilesystem: true,
        // The arguments go in `command`, so the image's own CMD can never be appended to them.
        ...splitCommand(
          ownerCommand(
            app.user,
            volumes.map((v) => v.path),
          ),
        ),
        logging,
        linuxParameters: new ecs.LinuxParameters(this, 'VolumeOwnerLinuxParameters'),
      });
      // Fargate may only add SYS_PTRACE, so CAP_CHOWN is kept by dropping every other one by name.
      volumeOwner.linuxParameters?.dropCapabilities(
        ...Object.values(ecs.Capability).filter(
          (c) => c !== ecs.Capability.ALL && c !== ecs.Capability.CHOWN,
        ),
      );
      for (const volume of volumes) {
        volumeOwner.addMountPoints({
          sourceVolume: volume.name,
          containerPath: volume.path,
          readOnly: false,
        });
      }
    }

    if (preparedPaths.length > 0) {
      const copy = this.taskDefinition.addContainer('Prepare', {
        image,
        essential: false,
        user: app.user,
        readonlyRootFilesystem: true,
        entryPoint: ['/bin/sh', '-c'],
        command: [copyScript(preparedPaths.map((source, i) => ({ source, target: stagingPath(i) })))],
        logging,
        linuxParameters: new ecs.LinuxParameters(this, 'PrepareLinuxParameters'),
      });
      copy.linuxParameters?.dropCapabilities(ecs.Capability.ALL);
      // Mounted beside the image's directory, not over it: the copy reads one and writes the other.
      preparedPaths.forEach((_, i) =>
        copy.addMountPoints({
          sourceVolume: `prepared-${i}`,
          containerPath: stagingPath(i),
          readOnly: false,
        }),
      );
      prepare = copy;
    }

    // Each step waits for the one before it to exit 0; a failed step stops the task before the app starts. No
    // startTimeout: Fargate caps it at 120 seconds, less than a large copy may take.
    const steps = [volumeOwner, prepare, this.container].filter(
      (c): c is ecs.ContainerDefinition => c !== undefined,
    );
    for (let i = 1; i < steps.length; i++) {
      steps[i].addContainerDependencies({
        container: steps[i - 1],
        condition: ecs.ContainerDependencyCondition.SUCCESS,
      });
    }
    return { volumeOwner, prepare };
  }
}

interface ResolvedSizes {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly cpuTargetPercent: number;
  readonly requestsPerTarget: number;
  readonly healthCheckPath: string;
  readonly logRetention: logs.RetentionDays;
  readonly egressPorts: readonly number[];
}

function validate(scope: Construct, props: SchedulingServiceProps, v: ResolvedSizes): void {
  const problems = new Problems();
  const memories = FARGATE_SIZES[v.cpu];
  problems.check(
    memories === undefined,
    `\`cpu\` must be one of Fargate's sizes ${Object.keys(FARGATE_SIZES).join(', ')}, got ${v.cpu}`,
  );
  problems.check(
    memories !== undefined && !memories.includes(v.memoryLimitMiB),
    `\`memoryLimitMiB\` ${v.memoryLimitMiB} cannot be paired with \`cpu\` ${v.cpu}; allowed: ${memories?.[0]} to ${memories?.[memories.length - 1]} in steps of ${memories && memories.length > 1 ? memories[1] - memories[0] : 0}`,
  );
  problems.range('desiredCount', v.desiredCount, 1, 1000);
  problems.range('maxCount', v.maxCount, 1, 1000);
  problems.check(
    v.maxCount < v.desiredCount,
    `\`maxCount\` (${v.maxCount}) must be at least \`desiredCount\` (${v.desiredCount})`,
  );
  problems.range('cpuTargetPercent', v.cpuTargetPercent, 10, 90, 'percent');
  problems.range('requestsPerTarget', v.requestsPerTarget, 1, 1_000_000);
  problems.add(...healthCheckPathProblems('healthCheckPath', v.healthCheckPath));
  problems.add(
    ...secondsProblems(
      'healthCheckInterval',
      props.healthCheckInterval,
      ALB_HEALTH_CHECK_INTERVAL_SECONDS,
      "ALB's 5 to 300, and more than the 5-second health check timeout",
    ),
  );
  problems.retention('logRetention', v.logRetention);
  problems.add(
    ...dataIdentifierProblems(
      'maskedDataIdentifiers',
      props.maskedDataIdentifiers ?? DEFAULT_MASKED_DATA_IDENTIFIERS,
    ),
  );
  problems.range('app.containerPort', props.app.containerPort, 1024, 65535);
  const badPorts = v.egressPorts.filter((p) => !Number.isInteger(p) || p < 1 || p > 65535);
  problems.check(
    badPorts.length > 0,
    `\`egressPorts\` must hold TCP ports between 1 and 65535, got ${badPorts.join(', ')}`,
  );
  problems.check(
    !v.egressPorts.includes(443),
    `\`egressPorts\` must include 443, got [${v.egressPorts.join(', ')}]: the tasks pull their image and read their secrets over HTTPS`,
  );
  const looksSecret = Object.keys(props.app.environment).filter(isSecretName);
  problems.check(
    looksSecret.length > 0,
    `\`app.environment\` must not carry ${looksSecret.join(', ')}: the name says secret, so pass it in \`secrets\` (Secrets Manager), never as a plain value`,
  );
  const image = props.app.imageReference;
  // An `imageSource` checks its own image when it is bound.
  const parsedImage = props.imageSource || Token.isUnresolved(image) ? undefined : parseImageReference(image);
  problems.check(
    parsedImage !== undefined && !parsedImage.ok,
    `\`app.image\` must be pinned to a version tag or a digest (checklist C4), got '${image}': ${parsedImage && !parsedImage.ok ? parsedImage.problems.join('; ') : ''}`,
  );
  problems.check(
    props.app.user === 'root' || /^0(:|$)/.test(props.app.user),
    `\`app.user\` must not be root (checklist C3), got '${props.app.user}'`,
  );
  problems.check(
    props.app.writablePaths.length === 0 && !props.writableRootFilesystem,
    '`app.writablePaths` must name at least one scratch path (for example /tmp)',
  );
  problems.add(...volumePathProblems(props.app));
  const generated = Object.keys(props.app.generatedSecrets);
  const plainSecretNames = Object.keys(props.app.environment).filter(
    (n) => generated.includes(n) || (props.secrets ?? {})[n],
  );
  problems.check(
    plainSecretNames.length > 0,
    `\`app.environment\` must not set ${plainSecretNames.join(', ')}: they are secrets and come from Secrets Manager`,
  );
  problems.add(...tlsVerificationProblems(props.app.environment, 'app.environment'));
  for (const [name, spec] of Object.entries(props.app.generatedSecrets)) {
    problems.add(...passwordLengthProblems(`app.generatedSecrets.${name}.length`, spec.length));
  }
  // The database's connection settings are the service's to set: a value of the app's would be replaced.
  const databaseOwned = props.database
    ? Object.keys(databaseEnvironment(props.database)).filter((n) => Object.hasOwn(props.app.environment, n))
    : [];
  problems.check(
    databaseOwned.length > 0,
    `\`app.environment\` must not set ${databaseOwned.join(', ')} when a \`database\` is given: the service sets them to the database's endpoint with PGSSLMODE=${DATABASE_SSL_MODE}`,
  );
  problems.throwIfAny(scope);
}

/**
 * Paths of the task volumes: absolute and plain (they become shell words and mount points), each named once, none
 * inside another (a mount would hide the other) or inside the preparation container's staging directory.
 */
function volumePathProblems(app: SchedulingAppDefinition): string[] {
  const problems: string[] = [];
  const named = [
    ...app.writablePaths.map((path) => ({ prop: 'app.writablePaths', path })),
    ...(app.preparedPaths ?? []).map((path) => ({ prop: 'app.preparedPaths', path })),
  ];
  for (const { prop, path } of named) {
    if (Token.isUnresolved(path)) {
      continue;
    }
    if (!isSafePath(path)) {
      problems.push(
        `\`${prop}\` must hold absolute paths of letters, digits and . _ - @ + with no '.' or '..' segment, got '${path}'`,
      );
    } else if (isWithin(path, PREPARED_STAGING_ROOT)) {
      problems.push(
        `\`${prop}\` must not be inside ${PREPARED_STAGING_ROOT} (the preparation step's own), got '${path}'`,
      );
    }
  }
  named.forEach((a, i) =>
    named.slice(i + 1).forEach((b) => {
      if (isWithin(a.path, b.path) || isWithin(b.path, a.path)) {
        problems.push(
          `\`${a.prop}\` '${a.path}' and \`${b.prop}\` '${b.path}' overlap: each volume needs a path of its own`,
        );
      }
    }),
  );
  return problems;
}

/** libpq's variables of the connection, except the credentials; TLS is required (checklist C1). */
function databaseEnvironment(database: ServiceDatabase | undefined): Record<string, string> {
  if (!database) {
    return {};
  }
  return {
    PGHOST: database.hostname,
    PGPORT: `${database.port}`,
    PGDATABASE: database.databaseName,
    PGSSLMODE: DATABASE_SSL_MODE,
  };
}

/** The credentials, read from the secret's JSON keys when each task starts. */
function databaseSecrets(database: ServiceDatabase | undefined): Record<string, ecs.Secret> {
  if (!database) {
    return {};
  }
  return {
    PGUSER: ecs.Secret.fromSecretsManager(database.secret, 'username'),
    PGPASSWORD: ecs.Secret.fromSecretsManager(database.secret, 'password'),
  };
}

/**
 * For an app that reads a URL: a shell step composes it from the injected variables inside the container,
 * then hands over to the image's start command. The generated and rotated passwords contain no character a
 * URL would need escaped (see PASSWORD_EXCLUDED_CHARACTERS), so no escaping is needed.
 */
function databaseUrlStart(
  app: SchedulingAppDefinition,
  database: ServiceDatabase | undefined,
): Pick<ecs.ContainerDefinitionOptions, 'entryPoint' | 'command'> {
  if (!database || !app.databaseUrl) {
    return {};
  }
  const wiring = app.databaseUrl;
  const [first, ...others] = wiring.urlVariables;
  const lines = [
    'set -eu',
    // $NAME rather than ${NAME}: CloudFormation's validator reads ${...} as a substitution.
    `export ${first}="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE?sslmode=$PGSSLMODE"`,
    ...others.map((name) => `export ${name}="$${first}"`),
    ...(wiring.hostPortVariables ?? []).map((name) => `export ${name}="$PGHOST:$PGPORT"`),
    `exec ${wiring.startCommand}`,
  ];
  return { entryPoint: ['/bin/sh', '-c'], command: [lines.join('\n')] };
}

/** A command as ECS's entry point (the program) and command (its arguments). */
function splitCommand([program, ...args]: readonly string[]): Pick<
  ecs.ContainerDefinitionOptions,
  'entryPoint' | 'command'
> {
  return { entryPoint: [program], command: [...args] };
}

function pascalCase(envName: string): string {
  return envName
    .toLowerCase()
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) {
    out.push(v);
  }
  return out;
}
