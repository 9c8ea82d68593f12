import { CfnOutput, Duration, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SchedulingApp, SchedulingAppDefinition } from './app/scheduling-app';
import { SchedulingService } from './app/scheduling-service';
import { ServiceAlarms } from './app/service-alarms';
import { AlertTopic } from './audit/alert-topic';
import { CertificateMonitor } from './certificates/certificate-monitor';
import { AuditTrail, ObjectLockEnablement } from './audit/audit-trail';
import { CertificateExpiry } from './audit/certificate-expiry';
import { ChangeEvents } from './audit/change-events';
import { CisAlarms } from './audit/cis-alarms';
import { LogEncryptionKey } from './audit/log-encryption-key';
import { MaskingFindings } from './audit/log-data-protection';
import { SecurityDashboard } from './audit/security-dashboard';
import { BreakGlassTask } from './data/break-glass-task';
import { DatabaseAppRole } from './data/database-app-role';
import { DatabaseBackup, VaultLockMode } from './data/database-backup';
import { keyAdministratorProblems, setKeyAdministrators } from './private/separated-key';
import { DatabaseEvents } from './data/database-events';
import { RestartOnRotation } from './data/restart-on-rotation';
import { SchedulingAuroraDatabase } from './data/scheduling-aurora-database';
import { SchedulingDatabase } from './data/scheduling-database';
import { DatabaseEngine, ISchedulingDatabase } from './data/scheduling-database-interface';
import { HostedZoneReference, TlsLoadBalancer } from './ingress/tls-load-balancer';
import { IOperatorLogin, OperatorLogin } from './ingress/operator-login';
import { DnsFirewallMode, OutboundDnsFirewall } from './network/dns-firewall';
import { ImageSource } from './app/image-source';
import { DOCKER_HUB_REGISTRY, isPinnedByDigest, parseImageReference } from './private/image-reference';
import { acknowledge } from './compliance/acknowledgements';
import { OptionalManagedRuleGroup, WebFirewall } from './ingress/web-firewall';
import { SchedulingNetwork } from './network/scheduling-network';
import { parseEcrReference } from './private/image-reference';
import { Problems } from './private/problems';

export interface SecureSchedulingStackProps extends StackProps {
  /**
   * Availability zones to span, by name; at least two. Named explicitly so synth never asks AWS.
   */
  readonly availabilityZones: string[];

  /** Fully qualified name users reach the app at, e.g. `schedule.example.com`. */
  readonly domainName: string;

  /**
   * More names the app answers at, on the certificate and in the listener's host rules; any other Host gets 404.
   * @default - none
   */
  readonly domainAliases?: string[];

  /**
   * Public hosted zone of `domainName`, for the DNS-validated certificate and the alias record.
   * @default - none: `certificateArn` is required and no DNS record is created
   */
  readonly hostedZone?: HostedZoneReference;

  /**
   * ARN of an existing ACM certificate for `domainName`, used instead of requesting one.
   * @default - a DNS-validated ACM certificate in `hostedZone`
   */
  readonly certificateArn?: string;

  /**
   * What runs on Fargate.
   * @default - Cal.com (`SchedulingApp.calCom`) at `https://<domainName>`
   */
  readonly app?: SchedulingAppDefinition;

  /**
   * Where the app's image comes from: a public registry as named (`ImageSource.registry`), an ECR pull-through
   * cache of it (scanned on push, immutable tags) or a private ECR repository of yours (checklist C4, C9).
   * Critical and high findings of a scanned source reach the alert topic. See docs/images.md.
   * @default - `ImageSource.registry(app.imageReference)`
   */
  readonly imageSource?: ImageSource;

  /**
   * A production deployment: the app's image must be pinned by digest, not by tag, so what runs is exactly what
   * was scanned (checklist C4).
   * @default false
   */
  readonly production?: boolean;

  /**
   * An identity provider of yours for the operator sign-in, instead of the Cognito user pool the stack creates.
   * The IdP must enforce a second factor (see docs/operator-access.md).
   * @default - a Cognito user pool with TOTP MFA required
   */
  readonly operatorIdp?: OperatorIdpProps;
  /** The Cognito Plus feature plan's threat protection on the operator user pool (priced per MAU). @default false */
  readonly operatorThreatProtection?: boolean;
  /** How long an operator's sign-in session at the load balancer lasts, at most 7 days. @default Duration.hours(1) */
  readonly operatorSessionTimeout?: Duration;
  /** Paths behind the operator sign-in (ALB path patterns). @default - the app's `operatorPaths` */
  readonly operatorPaths?: string[];
  /** The whole app behind the operator sign-in, for deployments only staff use. @default false */
  readonly protectWholeApp?: boolean;
  /** AWS WAF account-takeover prevention on the app's sign-in endpoint (priced per request). @default false */
  readonly accountTakeoverPrevention?: boolean;
  /** An AWS WAF challenge on the app's self sign-up pages and API. @default false */
  readonly signupChallenge?: boolean;

  /**
   * More domains the app may resolve, besides the AWS endpoints the stack needs and the app's `outboundDomains`
   * (for Cal.com, its common integrations): your SMTP host, CalDAV servers, webhooks (checklist C8).
   * @default - none
   */
  readonly allowedDomains?: string[];
  /**
   * What the DNS firewall does with a domain that is not allowed: `BLOCK` (NXDOMAIN), or `ALERT` while rolling
   * out (logged and alarmed, still resolved; the checklist then reports C8 as not met).
   * @default 'BLOCK'
   */
  readonly dnsFirewallMode?: DnsFirewallMode;

  /** CPU units of a task. @default 1024 */
  readonly cpu?: number;
  /** Memory of a task in MiB. @default 2048 */
  readonly memoryLimitMiB?: number;
  /** Tasks to run normally; the autoscaling minimum. @default 2 */
  readonly desiredCount?: number;
  /** Most tasks autoscaling may run. @default 6 */
  readonly maxCount?: number;
  /** Load balancer health check path. @default - the app's */
  readonly healthCheckPath?: string;
  /**
   * More environment values for the app from existing secrets, e.g. `{ DATABASE_URL: ecs.Secret.fromSecretsManager(s) }`.
   * @default - none
   */
  readonly appSecrets?: Record<string, ecs.Secret>;
  /** TCP ports the app may connect out to, anywhere (e.g. 587 for SMTP). @default [443] */
  readonly egressPorts?: number[];

  /** NAT gateways. @default - one per availability zone */
  readonly natGateways?: number;
  /** VPC interface endpoints for Secrets Manager, ECR and CloudWatch Logs (priced hourly). @default false */
  readonly interfaceEndpoints?: boolean;

  /** HTTPS listener policy, TLS 1.2+ only. @default 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09' */
  readonly sslPolicy?: string;

  /** Requests per client IP per 5 minutes. @default 1000 */
  readonly rateLimit?: number;
  /** Requests per client IP per 5 minutes on sign-in and booking paths. @default 100 */
  readonly sensitivePathRateLimit?: number;
  /** More AWS managed rule groups. @default - none */
  readonly additionalManagedRuleGroups?: OptionalManagedRuleGroup[];
  /** Client IP ranges that bypass the firewall's rules. @default - none */
  readonly allowedIpRanges?: string[];
  /** Client IP ranges always blocked. @default - none */
  readonly blockedIpRanges?: string[];
  /** Countries (ISO alpha-2) blocked. @default - none */
  readonly blockedCountries?: string[];

  /** Email addresses that receive the stack's alerts. @default - none (subscribe to the topic later) */
  readonly alertEmails?: string[];
  /** HTTPS endpoints (webhooks) that receive the stack's alerts. @default - none */
  readonly alertHttpsEndpoints?: string[];

  /** Retention of flow, WAF, app and database logs (checklist C7). @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Assess the listener's certificate in ACM every day and send findings to the alert topic (checklist C1).
   * @default true
   */
  readonly certificateMonitor?: boolean;

  /**
   * Retention of the audit trail's CloudWatch Logs log group (checklist C10): 90 to 400 days.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly trailLogRetention?: logs.RetentionDays;
  /** How long the trail's log files stay in its bucket: one to ten years. @default Duration.days(400) */
  readonly trailBucketExpiration?: Duration;
  /**
   * Lock the trail's log files in governance mode for this long (S3 Object Lock): 365 days to
   * `trailBucketExpiration`.
   * @default Duration.days(365)
   */
  readonly trailObjectLockRetention?: Duration;
  /**
   * How Object Lock is turned on for the trail bucket: `at-creation` for a new stack, `in-place` for a stack whose
   * trail bucket exists without it (deployed by 0.1.0), which keeps the bucket; `off` for none.
   * @default 'at-creation'
   */
  readonly trailObjectLockEnablement?: ObjectLockEnablement;
  /**
   * Log group of an existing (organization) trail to put the alarms on, instead of creating a trail.
   * @default - a new multi-region trail
   */
  readonly existingTrailLogGroupName?: string;

  /**
   * Days before the certificate expires at which its alarm fires: 1 to 59 (ACM renews at 60).
   * @default 30
   */
  readonly certificateExpiryAlarmDays?: number;
  /**
   * The account's ACM expiry-events window, 1 to 45 days. An account setting: the stack outputs the command
   * that sets it (`CertificateExpiryEventsCommand`).
   * @default 45
   */
  readonly certificateExpiryEventsDays?: number;
  /**
   * What runs the database: one RDS for PostgreSQL instance, or (opt-in, priced per ACU-hour) an Aurora
   * PostgreSQL Serverless v2 cluster with the same security settings.
   * @default DatabaseEngine.POSTGRES
   */
  readonly databaseEngine?: DatabaseEngine;
  /**
   * PostgreSQL major version of the instance (e.g. '17'), or Aurora PostgreSQL version 'major.minor' of the
   * cluster (e.g. '17.5'). @default - '17', or '17.5' for Aurora
   */
  readonly databaseEngineVersion?: string;
  /** Least Serverless v2 capacity of each Aurora instance, in ACUs (Aurora only). @default 0.5 */
  readonly databaseMinCapacity?: number;
  /** Most Serverless v2 capacity of each Aurora instance, in ACUs (Aurora only). @default 4 */
  readonly databaseMaxCapacity?: number;
  /** Instance class of the database. @default db.t4g.medium */
  readonly databaseInstanceType?: ec2.InstanceType;
  /** A standby database in a second zone (turning it off is reported by the packs). @default true */
  readonly databaseMultiAz?: boolean;
  /** How long RDS keeps automated backups (point-in-time recovery), 7 to 35 days. @default Duration.days(14) */
  readonly databaseBackupRetention?: Duration;
  /** How long AWS Backup keeps daily recovery points. @default Duration.days(35) */
  readonly dailyBackupRetention?: Duration;
  /** How long AWS Backup keeps weekly recovery points. @default Duration.days(91) */
  readonly weeklyBackupRetention?: Duration;
  /** ARN of a backup vault in another region or account that receives a copy of every recovery point. @default - no copy */
  readonly backupCopyVaultArn?: string;
  /**
   * Minimum retention of the backup vault's lock (Vault Lock), at most `dailyBackupRetention`.
   * @default - `dailyBackupRetention`
   */
  readonly backupVaultLockMinRetention?: Duration;
  /**
   * How the backup vault is locked: governance (removable with `backup:DeleteBackupVaultLockConfiguration`),
   * compliance (immutable after a 3-day grace time) or none.
   * @default - compliance when `backupVaultLockMinRetention` is given, else governance
   */
  readonly backupVaultLockMode?: VaultLockMode;
  /** Weekly restore tests of the latest recovery point. @default true */
  readonly restoreTesting?: boolean;

  /**
   * A break-glass task: a one-off Fargate task with the PostgreSQL client that an operator starts with
   * `aws ecs run-task` to run SQL as the database administrator in an incident. Every start alerts the topic and
   * is in CloudTrail; queries and output go to an encrypted log group (see docs/operator-access.md).
   * @default false
   */
  readonly breakGlass?: boolean;

  /**
   * IAM roles or users (ARNs) that administer the stack's KMS keys: change their policies, disable them,
   * schedule their deletion. Using the keys (encrypt, decrypt) stays with the services and roles named in each
   * key policy; the role CloudFormation deploys with is added, since KMS refuses a policy that locks out the
   * principal that sets it. See docs/audit.md, "Keys with separated duties".
   * @default - the account's IAM policies administer the keys (AWS's default), still without using them
   */
  readonly keyAdministrators?: string[];
}

/** An OpenID Connect identity provider for the operator sign-in. */
export interface OperatorIdpProps {
  /** The issuer, an https:// URL. */
  readonly issuer: string;
  /** The authorization endpoint, an https:// URL. */
  readonly authorizationEndpoint: string;
  /** The token endpoint, an https:// URL. */
  readonly tokenEndpoint: string;
  /** The user info endpoint, an https:// URL. */
  readonly userInfoEndpoint: string;
  /** The client id the IdP issued for this load balancer. */
  readonly clientId: string;
  /** ARN of the Secrets Manager secret that holds the client secret (a plain string). */
  readonly clientSecretArn: string;
}

/**
 * A whole hardened scheduling deployment: the network with its outbound DNS allow-list, the TLS-only load
 * balancer with the operator sign-in, the web firewall, the app on Fargate from a scanned image source, the
 * PostgreSQL database with the app's own role and its backups, the activity log and the alerts, each exposed for
 * extension.
 */
export class SecureSchedulingStack extends Stack {
  /** VPC, subnets and flow logs. */
  public readonly network: SchedulingNetwork;
  /** Key shared by the stack's CloudWatch Logs log groups. */
  public readonly logEncryptionKey: LogEncryptionKey;
  /** The TLS-only load balancer. */
  public readonly loadBalancer: TlsLoadBalancer;
  /** The WAF web ACL in front of the load balancer. */
  public readonly firewall: WebFirewall;
  /** The app on Fargate. */
  public readonly service: SchedulingService;
  /** Topic every alarm of the stack publishes to. */
  public readonly alerts: AlertTopic;
  /** Alarms on the app's health. */
  public readonly serviceAlarms: ServiceAlarms;
  /** The daily check of the listener's certificate, unless turned off. */
  public readonly certificateMonitor?: CertificateMonitor;
  /** The account's activity log: a new CloudTrail trail, or an existing trail's log group. */
  public readonly auditTrail: AuditTrail;
  /** Metric filters and alarms for the CIS AWS Foundations change categories. */
  public readonly cisAlarms: CisAlarms;
  /**
   * Alerts on changes to this deployment's own resources. Tiers added later register theirs here:
   * `changeEvents.watchDatabase(instance)`, `changeEvents.watchBackup(vault, plan)`.
   */
  public readonly changeEvents: ChangeEvents;
  /** The certificate's expiry alarm and ACM's expiry events, to the alert topic. */
  public readonly certificateExpiry: CertificateExpiry;
  /**
   * The security signals on one CloudWatch dashboard. The database tier adds its own:
   * `securityDashboard.addDatabase(instance)`.
   */
  public readonly securityDashboard: SecurityDashboard;
  /** The PostgreSQL database of the app: a `SchedulingDatabase`, or a `SchedulingAuroraDatabase`. */
  public readonly database: ISchedulingDatabase;
  /** The database's RDS instance (for change events and dashboards), unless the engine is Aurora. */
  public readonly databaseInstance?: rds.DatabaseInstance;
  /** The database's Aurora cluster, when the engine is Aurora. */
  public readonly databaseCluster?: rds.DatabaseCluster;
  /** The database's security group. */
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** AWS Backup of the database: vault, plan, restore tests, failure alerts. */
  public readonly backup: DatabaseBackup;
  /** The backup vault of the database. */
  public readonly backupVault: backup.BackupVault;
  /** The backup plan of the database. */
  public readonly backupPlan: backup.BackupPlan;
  /** RDS event notifications of the database to the alert topic. */
  public readonly databaseEvents: DatabaseEvents;
  /** Replaces the app's tasks after each rotation of the database password, so they read the new one. */
  public readonly restartOnRotation: RestartOnRotation;
  /** The sign-in operators pass, with a second factor, before the app's operator paths. */
  public readonly operatorLogin: IOperatorLogin;
  /** Outbound DNS allow-list of the VPC. */
  public readonly dnsFirewall: OutboundDnsFirewall;
  /** The app's own database role, its secret and rotation, and the provisioning step that creates it. */
  public readonly appRole: DatabaseAppRole;
  /** The break-glass database task, when `breakGlass` is on. */
  public readonly breakGlass?: BreakGlassTask;

  private readonly zones: string[];

  constructor(scope: Construct, id: string, props: SecureSchedulingStackProps) {
    super(scope, id, props);
    this.zones = [...props.availabilityZones];

    const problems = new Problems();
    problems.check(
      props.hostedZone === undefined && props.certificateArn === undefined,
      '`hostedZone` or `certificateArn` is required: the HTTPS listener needs a certificate',
    );
    const app = props.app;
    problems.check(
      props.natGateways === 0 && app !== undefined && parseEcrReference(app.imageReference) === undefined,
      `\`natGateways\` is 0, so tasks can pull images only from ECR through the VPC endpoints, but \`app.image\` is '${app?.imageReference}': push it to ECR or keep a NAT gateway`,
    );
    problems.check(
      props.natGateways === 0 && app === undefined,
      '`natGateways` is 0, so tasks can pull images only from ECR, but the default Cal.com image comes from Docker Hub: pass an `app` whose image is in ECR',
    );
    const aurora = props.databaseEngine === DatabaseEngine.AURORA_SERVERLESS_V2;
    const engines = Object.values(DatabaseEngine) as string[];
    problems.check(
      props.databaseEngine !== undefined && !engines.includes(props.databaseEngine),
      `\`databaseEngine\` must be one of ${engines.join(', ')}, got '${props.databaseEngine}'`,
    );
    problems.check(
      aurora && props.databaseInstanceType !== undefined,
      `\`databaseInstanceType\` must be unset with \`databaseEngine\` '${DatabaseEngine.AURORA_SERVERLESS_V2}': its instances are sized by \`databaseMinCapacity\` and \`databaseMaxCapacity\``,
    );
    for (const [name, value] of [
      ['databaseMinCapacity', props.databaseMinCapacity],
      ['databaseMaxCapacity', props.databaseMaxCapacity],
    ] as const) {
      problems.check(
        !aurora && value !== undefined,
        `\`${name}\` applies to \`databaseEngine\` '${DatabaseEngine.AURORA_SERVERLESS_V2}' only, got ${value} with the '${props.databaseEngine ?? DatabaseEngine.POSTGRES}' engine`,
      );
    }
    problems.add(...keyAdministratorProblems('keyAdministrators', props.keyAdministrators ?? []));
    problems.throwIfAny(this);
    if (props.keyAdministrators && props.keyAdministrators.length > 0) {
      setKeyAdministrators(this, props.keyAdministrators);
    }

    this.logEncryptionKey = new LogEncryptionKey(this, 'LogKey');
    const logRetention = props.logRetention;
    // One findings log group for the masking of the app's and the firewall's logs (checklist C7).
    const maskingFindings = new MaskingFindings(this, 'MaskingFindings', {
      encryptionKey: this.logEncryptionKey.key,
      retention: logRetention,
    }).logGroup;

    this.network = new SchedulingNetwork(this, 'Network', {
      availabilityZones: props.availabilityZones,
      natGateways: props.natGateways,
      interfaceEndpoints: props.interfaceEndpoints,
      flowLogRetention: logRetention,
      encryptionKey: this.logEncryptionKey.key,
    });

    const hostedZone = props.hostedZone
      ? route53.PublicHostedZone.fromHostedZoneAttributes(this, 'HostedZone', props.hostedZone)
      : undefined;
    const certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : undefined;

    const appDefinition = props.app ?? SchedulingApp.calCom({ publicUrl: `https://${props.domainName}` });
    const idp = props.operatorIdp;
    this.operatorLogin = idp
      ? OperatorLogin.oidc({
          issuer: idp.issuer,
          authorizationEndpoint: idp.authorizationEndpoint,
          tokenEndpoint: idp.tokenEndpoint,
          userInfoEndpoint: idp.userInfoEndpoint,
          clientId: idp.clientId,
          clientSecret: secretsmanager.Secret.fromSecretCompleteArn(
            this,
            'OperatorIdpClientSecret',
            idp.clientSecretArn,
          ),
          sessionTimeout: props.operatorSessionTimeout,
        })
      : new OperatorLogin(this, 'OperatorLogin', {
          hostNames: [props.domainName, ...(props.domainAliases ?? [])],
          threatProtection: props.operatorThreatProtection,
          sessionTimeout: props.operatorSessionTimeout,
        });
    const operatorPaths = props.operatorPaths ?? appDefinition.operatorPaths;
    const operatorProblems = new Problems();
    operatorProblems.check(
      !props.protectWholeApp && (operatorPaths === undefined || operatorPaths.length === 0),
      `\`operatorPaths\` is needed: the app '${appDefinition.name}' names no administration paths for the operator sign-in (checklist C2); list them, or set \`protectWholeApp\` for a deployment only staff use`,
    );
    operatorProblems.check(
      props.protectWholeApp === true && props.operatorPaths !== undefined,
      '`operatorPaths` and `protectWholeApp` exclude each other: with `protectWholeApp` every path asks for the sign-in',
    );
    operatorProblems.throwIfAny(this);
    this.loadBalancer = new TlsLoadBalancer(this, 'LoadBalancer', {
      operatorLogin: this.operatorLogin,
      protectWholeApp: props.protectWholeApp,
      protectedPaths: props.protectWholeApp || operatorPaths === undefined ? undefined : [...operatorPaths],
      vpc: this.network.vpc,
      vpcSubnets: this.network.ingressSubnets,
      domainName: props.domainName,
      domainAliases: props.domainAliases,
      hostedZone,
      certificate,
      sslPolicy: props.sslPolicy,
      // Access logs are kept as long as the other operational logs (checklist C7).
      accessLogExpiration: logRetention === undefined ? undefined : Duration.days(logRetention),
    });

    this.firewall = new WebFirewall(this, 'Firewall', {
      resourceArn: this.loadBalancer.loadBalancer.loadBalancerArn,
      rateLimit: props.rateLimit,
      sensitivePathRateLimit: props.sensitivePathRateLimit,
      additionalManagedRuleGroups: props.additionalManagedRuleGroups,
      allowedIpRanges: props.allowedIpRanges,
      blockedIpRanges: props.blockedIpRanges,
      blockedCountries: props.blockedCountries,
      accountTakeoverPrevention: props.accountTakeoverPrevention ? appDefinition.loginEndpoint : undefined,
      signupPaths: props.signupChallenge ? appDefinition.signupPaths : undefined,
      logRetention,
      encryptionKey: this.logEncryptionKey.key,
      maskingFindingsLogGroup: maskingFindings,
    });

    const databaseProps = {
      vpc: this.network.vpc,
      vpcSubnets: this.network.dataSubnets,
      // The rotation function reaches the Secrets Manager API through NAT or the interface endpoint.
      rotationSubnets: this.network.appSubnets,
      engineVersion: props.databaseEngineVersion,
      multiAz: props.databaseMultiAz,
      backupRetention: props.databaseBackupRetention,
      logRetention,
      logEncryptionKey: this.logEncryptionKey.key,
    };
    let databaseResource: rds.IDatabaseInstance | rds.IDatabaseCluster;
    let parameterGroupName: string;
    if (aurora) {
      const auroraDatabase = new SchedulingAuroraDatabase(this, 'Database', {
        ...databaseProps,
        minCapacity: props.databaseMinCapacity,
        maxCapacity: props.databaseMaxCapacity,
      });
      this.database = auroraDatabase;
      this.databaseCluster = auroraDatabase.cluster;
      databaseResource = auroraDatabase.cluster;
      parameterGroupName = auroraDatabase.parameterGroupName;
    } else {
      const instanceDatabase = new SchedulingDatabase(this, 'Database', {
        ...databaseProps,
        instanceType: props.databaseInstanceType,
      });
      this.database = instanceDatabase;
      this.databaseInstance = instanceDatabase.instance;
      databaseResource = instanceDatabase.instance;
      // Binding again returns the group the instance is already bound to (the same resource).
      parameterGroupName = instanceDatabase.parameterGroup.bindToInstance({}).parameterGroupName;
    }
    const databaseTarget = aurora
      ? { cluster: databaseResource as rds.IDatabaseCluster }
      : { instance: databaseResource as rds.IDatabaseInstance };
    this.databaseSecurityGroup = this.database.securityGroup;

    // The app connects as its own role, which owns its database and nothing else (checklist C3); the master
    // user is left to provisioning, rotation and break glass.
    this.appRole = new DatabaseAppRole(this, 'DatabaseAppRole', {
      database: this.database,
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      logRetention,
      logEncryptionKey: this.logEncryptionKey.key,
    });

    this.service = new SchedulingService(this, 'App', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.appSubnets,
      listener: this.loadBalancer.httpsListener,
      app: appDefinition,
      imageSource: props.imageSource,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      desiredCount: props.desiredCount,
      maxCount: props.maxCount,
      healthCheckPath: props.healthCheckPath,
      secrets: props.appSecrets,
      database: {
        secret: this.appRole.appSecret,
        hostname: this.database.hostname,
        port: this.database.port,
        databaseName: this.database.databaseName,
        connections: this.database,
      },
      egressPorts: props.egressPorts,
      logRetention,
      logEncryptionKey: this.logEncryptionKey.key,
      maskingFindingsLogGroup: maskingFindings,
    });

    this.alerts = new AlertTopic(this, 'Alerts', {
      emails: props.alertEmails,
      httpsEndpoints: props.alertHttpsEndpoints,
    });
    // The app starts once its role exists.
    this.service.service.node.addDependency(this.appRole.customResource);
    this.service.image.sendFindingsTo(this.alerts);
    this.dnsFirewall = new OutboundDnsFirewall(this, 'DnsFirewall', {
      vpc: this.network.vpc,
      encryptionKey: this.logEncryptionKey.key,
      alerts: this.alerts,
      allowedDomains: [...(appDefinition.outboundDomains ?? []), ...(props.allowedDomains ?? [])],
      mode: props.dnsFirewallMode,
      // Docker Hub's hosts only while the tasks pull from Docker Hub themselves.
      dockerHub: !this.service.image.inEcr && pullsFromDockerHub(this.service.image.imageReference),
      logRetention,
    });
    if (this.dnsFirewall.mode === 'ALERT') {
      acknowledge(this.network.vpc, 'dnsFirewallRollout');
    }
    const production = new Problems();
    // The repository's host may be a token (the account of a pull-through cache); the name and digest are not.
    const imageTail = this.service.image.imageReference.slice(
      this.service.image.imageReference.lastIndexOf('/') + 1,
    );
    production.check(
      props.production === true &&
        !Token.isUnresolved(imageTail) &&
        !isPinnedByDigest(`registry.invalid/${imageTail}`),
      `\`production\` needs the app image pinned by digest (\`image@sha256:...\`), so what runs is what was scanned (checklist C4), got '${this.service.image.imageReference}'`,
    );
    production.throwIfAny(this);
    this.serviceAlarms = new ServiceAlarms(this, 'ServiceAlarms', {
      service: this.service,
      loadBalancer: this.loadBalancer.loadBalancer,
      alerts: this.alerts,
    });
    if (props.certificateMonitor ?? true) {
      this.certificateMonitor = new CertificateMonitor(this, 'CertificateMonitor', {
        certificates: [this.loadBalancer.certificate],
        domainName: props.domainName,
        topic: this.alerts.topic,
        topicEncryptionKey: this.alerts.encryptionKey,
        logRetention,
        logEncryptionKey: this.logEncryptionKey.key,
        // In the app subnets, behind the DNS firewall, where a NAT gateway reaches ACM and SNS; with none, the
        // subnets reach only the interface endpoints, which cover neither, so it runs outside the VPC.
        ...(props.natGateways === 0 ? {} : { vpc: this.network.vpc, vpcSubnets: this.network.appSubnets }),
      });
    }

    this.auditTrail = new AuditTrail(this, 'AuditTrail', {
      logGroupEncryptionKey: this.logEncryptionKey.key,
      logRetention: props.trailLogRetention,
      bucketExpiration: props.trailBucketExpiration,
      objectLockRetention: props.trailObjectLockRetention,
      objectLockEnablement: props.trailObjectLockEnablement,
      existingTrailLogGroupName: props.existingTrailLogGroupName,
      // A log bucket: the trail lengthens its expiration to the trail bucket's.
      serverAccessLogsBucket: this.loadBalancer.serverAccessLogBucket,
    });
    this.cisAlarms = new CisAlarms(this, 'CisAlarms', {
      logGroup: this.auditTrail.logGroup,
      alerts: this.alerts,
    });
    if (this.auditTrail.bucket) {
      this.cisAlarms.watchTrailBucket(this.auditTrail.bucket.bucketName);
    }

    this.changeEvents = new ChangeEvents(this, 'ChangeEvents', { alerts: this.alerts });
    this.changeEvents.watchLoadBalancer(this.loadBalancer.loadBalancer);
    this.changeEvents.watchWebAcl(
      this.firewall.webAcl,
      this.loadBalancer.loadBalancer.loadBalancerArn,
      this.firewall.node.findAll().filter((c): c is wafv2.CfnIPSet => c instanceof wafv2.CfnIPSet),
    );
    if (this.auditTrail.trailName && this.auditTrail.trailArn) {
      this.changeEvents.watchTrail(this.auditTrail.trailName, this.auditTrail.trailArn);
    }
    this.changeEvents.watchKeys();
    this.changeEvents.watchLogs();
    this.changeEvents.watchAlarms();
    this.changeEvents.watchService(this.service.service, this.service.taskDefinition);

    this.certificateExpiry = new CertificateExpiry(this, 'CertificateExpiry', {
      certificates: [this.loadBalancer.certificate],
      alerts: this.alerts,
      alarmDaysToExpiry: props.certificateExpiryAlarmDays,
      expiryEventsDaysBeforeExpiry: props.certificateExpiryEventsDays,
    });
    new CfnOutput(this, 'CertificateExpiryEventsCommand', {
      value: this.certificateExpiry.expiryEventsCommand,
      description: "Sets the account's ACM expiry-events window this deployment expects (an account setting)",
    });

    this.securityDashboard = new SecurityDashboard(this, 'SecurityDashboard', {
      firewall: this.firewall,
      loadBalancer: this.loadBalancer.loadBalancer,
    });

    this.backup = new DatabaseBackup(this, 'Backup', {
      ...databaseTarget,
      alertTopic: this.alerts.topic,
      dailyRetention: props.dailyBackupRetention,
      weeklyRetention: props.weeklyBackupRetention,
      copyToVaultArn: props.backupCopyVaultArn,
      vaultLockMinRetention: props.backupVaultLockMinRetention,
      vaultLockMode: props.backupVaultLockMode,
      databaseKey: this.database.encryptionKey,
      restoreTesting: props.restoreTesting,
      restoreSubnetGroup: this.database.subnetGroup,
      vpc: this.network.vpc,
      // Each restore test is validated: the restored copy is queried as the master user from the app subnets,
      // which reach the RDS and AWS Backup APIs through a NAT gateway (no interface endpoint covers them).
      masterSecret: props.natGateways === 0 ? undefined : this.database.secret,
      databaseName: this.database.databaseName,
      databasePort: this.database.port,
      validationSubnets: this.network.appSubnets,
      logEncryptionKey: this.logEncryptionKey.key,
      logRetention,
    });
    this.backupVault = this.backup.vault;
    this.backupPlan = this.backup.plan;
    // Restores and restore tests decrypt the database's snapshots with its key through RDS, as the Backup role.
    // The key names that role: its policy lets no one use it through the account's IAM policies alone.
    this.database.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BackupRestoresThroughRds',
        principals: [this.backup.role],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `rds.${this.region}.amazonaws.com` } },
      }),
    );
    this.databaseEvents = new DatabaseEvents(this, 'DatabaseEvents', {
      ...databaseTarget,
      topic: this.alerts.topic,
      secret: this.database.secret,
    });
    this.changeEvents.watchDatabase(databaseResource, parameterGroupName);
    this.changeEvents.watchBackup(this.backupVault, this.backupPlan);
    this.securityDashboard.addDatabase(databaseResource);
    this.restartOnRotation = new RestartOnRotation(this, 'RestartOnRotation', {
      secret: this.appRole.appSecret,
      service: this.service.service,
      logEncryptionKey: this.logEncryptionKey.key,
      logRetention,
      alerts: this.alerts,
    });

    if (props.breakGlass) {
      this.breakGlass = new BreakGlassTask(this, 'BreakGlass', {
        cluster: this.service.cluster,
        vpc: this.network.vpc,
        vpcSubnets: this.network.appSubnets,
        database: this.database,
        hostname: this.database.hostname,
        port: this.database.port,
        databaseName: this.database.databaseName,
        secret: this.database.secret,
        alerts: this.alerts,
        logRetention,
        logEncryptionKey: this.logEncryptionKey.key,
      });
      this.appRole.allowMasterSecretRead(this.breakGlass.executionRole);
    }

    if (this.operatorLogin instanceof OperatorLogin) {
      new CfnOutput(this, 'OperatorUserPoolId', {
        value: this.operatorLogin.userPool.userPoolId,
        description: 'Create operators here (aws cognito-idp admin-create-user); see docs/operator-access.md',
      });
      new CfnOutput(this, 'OperatorSignInUrl', {
        value: this.operatorLogin.signInBaseUrl,
        description: "The operators' sign-in (Cognito managed login), with TOTP required",
      });
    }
    new CfnOutput(this, 'Url', { value: this.loadBalancer.url, description: 'Where users reach the app' });
    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.loadBalancer.loadBalancer.loadBalancerDnsName,
      description: 'Point the domain here when no hosted zone is managed by this stack',
    });
  }

  /** The zones given in the props: synth never asks AWS which zones exist. */
  public override get availabilityZones(): string[] {
    return this.zones;
  }
}

/** Whether an image reference names Docker Hub, by the OCI reference grammar (no registry host, or docker.io). */
function pullsFromDockerHub(reference: string): boolean {
  const parsed = parseImageReference(reference);
  return parsed.ok && parsed.reference.registry === DOCKER_HUB_REGISTRY;
}
