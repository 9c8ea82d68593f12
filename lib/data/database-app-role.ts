import * as path from 'node:path';
import { CustomResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { acknowledge } from '../compliance/acknowledgements';
import { BUNDLE_FILE, bundledHandlerCode } from '../private/bundled-handler';
import { DEFAULT_LOG_RETENTION } from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { APP_ROLE_PROPERTIES } from './app-role-contract';
import { appRoleNameProblem } from './app-role-contract';
import { DEFAULT_ROTATION_INTERVAL, PASSWORD_EXCLUDED_CHARACTERS } from './database-defaults';
import { ISchedulingDatabase } from './scheduling-database-interface';
import { allowVpcNetworkInterfaces } from '../private/vpc-function-network';

/** The app's database role, unless named otherwise. */
export const DEFAULT_APP_ROLE_NAME = 'app';
/** The provisioning function's runtime: the latest Node.js Lambda offers (AwsSolutions-L1). */
export const APP_ROLE_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** Longest a provisioning run may take: it waits up to 30 s for each lock a running migration holds. */
const PROVISIONING_TIMEOUT = Duration.minutes(3);
/** CloudFormation gives up on the answer after this (instead of its default hour). */
const PROVISIONING_SERVICE_TIMEOUT = Duration.minutes(5);

export interface DatabaseAppRoleProps {
  /**
   * The scheduling database, either engine: its endpoint, port and database name, its master secret (read
   * only by the functions named below), its key (which encrypts the app secret too) and its security groups.
   */
  readonly database: ISchedulingDatabase;

  /** VPC of the provisioning function and of the app secret's rotation function. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the provisioning and rotation functions. They need a way to the database and to the Secrets
   * Manager API (a NAT gateway or an interface endpoint), and the provisioning function to Amazon S3 (its
   * answer to CloudFormation goes to a pre-signed S3 URL: NAT or an S3 gateway endpoint).
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Name of the app's database role: lower-case letters, digits and underscores, at most 57 characters (its
   * rotation twin adds `_clone`), and not a reserved name such as `postgres`, `rdsadmin` or `rds_superuser`.
   * @default 'app'
   */
  readonly roleName?: string;

  /**
   * How often the app password is rotated (multi-user: the app role and its `_clone` twin take turns, so
   * connections opened with the previous password keep working until the next rotation).
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * How long the logs of the provisioning and rotation functions are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the log groups of the provisioning and rotation functions.
   * @default - a new `LogEncryptionKey`
   */
  readonly logEncryptionKey?: kms.IKey;
}

/**
 * The app's own PostgreSQL role (checklist C3): the app stops connecting as the RDS master user.
 *
 * - A generated app secret (`appSecret`) for the role, encrypted with the database's key, retained, with the
 *   database's host and port attached, rotated by Secrets Manager's PostgreSQL multi-user template inside the
 *   VPC (the master user sets the password of whichever of `<role>` and `<role>_clone` is not in use).
 * - A deploy-time custom resource whose function (in the VPC, reaching only the database port and HTTPS)
 *   reads both secrets, connects as the master user over verified TLS and makes the role the owner of the
 *   app's database and schema and nothing else (lib/data/app-role-sql.ts), handing it what the master user
 *   created there before. It runs again whenever its settings or its code change.
 * - The master secret granted, in this stack, only to this function's role, the rotation functions and the roles
 *   given to `allowMasterSecretRead` (a break-glass task); the app's tasks read the app secret alone.
 *
 * The app's tasks must start after the role exists: `service.node.addDependency(appRole.customResource)`.
 */
export class DatabaseAppRole extends Construct {
  /** The app's credentials: JSON with `username`, `password`, `host`, `port`, `dbname`, `engine`, `masterarn`. */
  public readonly appSecret: secretsmanager.ISecret;
  /** Multi-user rotation of the app password. */
  public readonly rotation: secretsmanager.RotationSchedule;
  /** Name of the app's database role (the secret's `username` alternates with `<role>_clone`). */
  public readonly roleName: string;
  /** The custom resource that provisions the role: what the app's service depends on. */
  public readonly customResource: CustomResource;
  /** The provisioning function. */
  public readonly function: lambda.Function;
  /** Its execution role. */
  public readonly role: ManagedPolicyRole;
  /** Its security group: out to the database port and to HTTPS only. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** Log groups of the provisioning function (`provisioning`) and of the rotation function (`rotation`). */
  public readonly logGroups: Readonly<Record<'provisioning' | 'rotation', logs.LogGroup>>;
  /** Name of the function that rotates the app password. */
  public readonly rotationFunctionName: string;

  private readonly database: ISchedulingDatabase;

  constructor(scope: Construct, id: string, props: DatabaseAppRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { database } = props;
    this.database = database;
    const roleName = props.roleName ?? DEFAULT_APP_ROLE_NAME;
    const rotationInterval = props.rotationInterval ?? DEFAULT_ROTATION_INTERVAL;
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const vpcSubnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const masterRotationFunction = hostedRotationFunctionName(database.rotation);
    const target = attachmentTarget(database);

    const problems = new Problems();
    const nameProblem = Token.isUnresolved(roleName) ? undefined : appRoleNameProblem(roleName);
    problems.check(nameProblem !== undefined, `\`roleName\` ${nameProblem}, got '${roleName}'`);
    problems.check(
      !Token.isUnresolved(roleName) && roleName === database.adminUsername,
      `\`roleName\` must differ from the database's admin user, got '${roleName}'`,
    );
    if (!rotationInterval.isUnresolved()) {
      const days = rotationInterval.toDays({ integral: false });
      problems.check(
        !Number.isInteger(days) || days < 1 || days > 365,
        `\`rotationInterval\` must be a whole number of days between 1 and 365, got ${days} days`,
      );
    }
    problems.retention('logRetention', logRetention);
    problems.check(
      masterRotationFunction === undefined,
      "`database` must rotate its admin password with a hosted rotation function that has a name (the app role's rotation function is named after it)",
    );
    problems.check(
      props.vpc.selectSubnets(vpcSubnets).subnets.length === 0,
      '`vpcSubnets` must select at least one subnet of `vpc`, got none',
    );
    problems.check(
      target === undefined,
      '`database` must contain an RDS instance or cluster to attach the app secret to, found none',
    );
    problems.throwIfAny(this);
    this.roleName = roleName;

    const logKey =
      props.logEncryptionKey ??
      new LogEncryptionKey(this, 'LogKey', { description: 'Encrypts the logs of the app role functions' })
        .key;

    // Generated by Secrets Manager, never typed; the host and port come from the attachment. `masterarn`
    // tells the multi-user rotation which secret's user may change this one's password.
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: roleName,
      dbname: database.databaseName,
      encryptionKey: database.encryptionKey,
      masterSecret: database.secret,
      excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
    });
    secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.appSecret = secret.attach(target!);

    // Rotation: the same hosted approach as the admin password's, in the VPC, through the database's
    // rotation security group (already allowed into the database), logging into a group made beforehand.
    this.rotationFunctionName = `${masterRotationFunction!.replace(/-rotation$/, '')}-app-rotation`;
    const rotationLogGroup = new logs.LogGroup(this, 'RotationLogGroup', {
      logGroupName: `/aws/lambda/${this.rotationFunctionName}`,
      retention: logRetention,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.rotation = new secretsmanager.RotationSchedule(this, 'Rotation', {
      secret: this.appSecret,
      hostedRotation: secretsmanager.HostedRotation.postgreSqlMultiUser({
        functionName: this.rotationFunctionName,
        masterSecret: database.secret,
        vpc: props.vpc,
        vpcSubnets,
        securityGroups: [database.rotationSecurityGroup],
        excludeCharacters: PASSWORD_EXCLUDED_CHARACTERS,
      }),
      automaticallyAfter: rotationInterval,
      // Not right after creation: the first tasks read the password and migrate then (see the admin rotation).
      rotateImmediatelyOnUpdate: false,
    });
    this.rotation.node.addDependency(rotationLogGroup);

    // The provisioning function: its own security group, out to the database port and to HTTPS (Secrets
    // Manager, and the S3 URL of its answer to CloudFormation) only.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'App role provisioning: out to the database port and to HTTPS (Secrets Manager, S3) only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to Secrets Manager and to the CloudFormation response URL',
    );
    database.allowConnectionsFrom(this.securityGroup, 'App role provisioning');

    const provisioningLogGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroups = { provisioning: provisioningLogGroup, rotation: rotationLogGroup };

    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'App role provisioning: read the master and app secrets, run in the VPC, write its log',
    });
    grantSecretRead(this.role, [database.secret, this.appSecret], database.encryptionKey, stack.region);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLog',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [provisioningLogGroup.logGroupArn],
      }),
    );
    // Lambda attaches the function to the VPC with the stack's one network-interface policy.
    allowVpcNetworkInterfaces(this.role);

    const extension = path.extname(__filename);
    const code = bundledHandlerCode(
      path.join(__dirname, `app-role-handler${extension === '.ts' ? '.ts' : '.js'}`),
      // The runtime provides AWS SDK v3; pg's optional native binding is not used.
      { target: 'node24', externalModules: ['@aws-sdk/*', 'pg-native'] },
    );
    this.function = new lambda.Function(this, 'Function', {
      description: `Makes the ${roleName} database role the owner of the app database, and nothing else`,
      code,
      handler: `${path.parse(BUNDLE_FILE).name}.handler`,
      runtime: APP_ROLE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: PROVISIONING_TIMEOUT,
      role: this.role,
      logGroup: provisioningLogGroup,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: [this.securityGroup],
      // Only CloudFormation calls it, once per deployment that changes it.
    });
    this.function.node.addDependency(this.role);
    acknowledge(this.function, 'deployTimeFunction');

    this.customResource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::DatabaseAppRole',
      serviceToken: this.function.functionArn,
      serviceTimeout: PROVISIONING_SERVICE_TIMEOUT,
      properties: {
        [APP_ROLE_PROPERTIES.host]: database.hostname,
        [APP_ROLE_PROPERTIES.port]: `${database.port}`,
        [APP_ROLE_PROPERTIES.databaseName]: database.databaseName,
        [APP_ROLE_PROPERTIES.roleName]: roleName,
        [APP_ROLE_PROPERTIES.masterSecretArn]: database.secret.secretArn,
        [APP_ROLE_PROPERTIES.appSecretArn]: this.appSecret.secretArn,
        // A new bundle (new SQL) provisions again on the next deployment.
        [APP_ROLE_PROPERTIES.codeHash]: path.basename(code.path),
      },
    });
    // After the database is available, its master secret attached and its policy set, and once this
    // function's grants and network rules are in place.
    this.customResource.node.addDependency(database, this.role, this.appSecret, this.securityGroup);

    // The master secret stays without a deny-everyone-else resource policy: the hosted rotation functions run
    // in nested stacks made by the AWS::SecretsManager transform, whose role names are not known here, and
    // `lambda:SourceFunctionArn` cannot be used in a resource-based policy (Lambda Developer Guide,
    // permissions-source-function-arn.html), so such a deny would lock the rotation out. In this stack only the
    // roles granted here read it: this function's, the rotation functions' and `allowMasterSecretRead`'s.
  }

  /**
   * Lets `role` read the master secret (for a break-glass task): grants it `GetSecretValue` and decryption
   * through Secrets Manager, in its own policy. Every read is in CloudTrail.
   */
  public allowMasterSecretRead(role: iam.IRole): void {
    grantSecretRead(role, [this.database.secret], this.database.encryptionKey, Stack.of(this).region);
  }
}

/**
 * Lets `grantee` read `secrets` and decrypt them with `key` through Secrets Manager only, in its own policy:
 * the database key's policy (which trusts the account's IAM policies) stays as the database made it.
 */
function grantSecretRead(
  grantee: iam.IGrantable,
  secrets: secretsmanager.ISecret[],
  key: kms.IKey,
  region: string,
): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: secrets.map((s) => s.secretArn),
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
  });
}

/** The name given to a hosted rotation function, when the schedule has one. */
function hostedRotationFunctionName(rotation: secretsmanager.RotationSchedule): string | undefined {
  const cfn = rotation.node.defaultChild as secretsmanager.CfnRotationSchedule | undefined;
  const hosted = cfn?.hostedRotationLambda as secretsmanager.CfnRotationSchedule.HostedRotationLambdaProperty;
  const name = hosted?.rotationLambdaName;
  return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
}

/** The RDS instance or cluster of the database, which fills the app secret's host and port. */
function attachmentTarget(database: ISchedulingDatabase): secretsmanager.ISecretAttachmentTarget | undefined {
  return database.node.children.find(
    (c): c is rds.DatabaseInstance | rds.DatabaseCluster =>
      c instanceof rds.DatabaseInstance || c instanceof rds.DatabaseCluster,
  );
}
