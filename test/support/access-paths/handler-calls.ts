/**
 * What function code calls, where only the code says it: one small table per handler, each tested against
 * the code it describes (test/access-paths.test.ts runs the certificate monitor against local ACM and SNS
 * servers and reads the CDK handler's calls; the hosted rotation function's calls are AWS's documented ones).
 *
 * A Lambda function of a template that no table describes yields an unevaluated path: a new function cannot
 * slip through without someone saying what it calls.
 */
import { MONITOR_ENVIRONMENT } from '../../../lib/certificates/monitor-contract';
import { OBJECT_LOCK_PROPERTIES } from '../../../lib/audit/object-lock-contract';
import { APP_ROLE_PROPERTIES } from '../../../lib/data/app-role-contract';
import { RESTORE_VALIDATION_ENVIRONMENT } from '../../../lib/data/restore-validation-contract';

/** One call: the IAM action and, per function, the ARNs it is made on. */
export interface HandlerCall {
  readonly action: string;
  /** The ARNs the call is made on, from the function's resolved environment and custom resources' properties. */
  readonly on: (facts: FunctionFacts) => readonly string[];
  /** The call encrypts or decrypts with the key of the resource it is made on, through this service. */
  readonly usesKeyVia?: 'sns' | 'sqs' | 'secretsmanager';
}

/** What a table may read about a function. */
export interface FunctionFacts {
  readonly functionArn: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Resolved properties of the custom resources whose ServiceToken is this function, with their type. */
  readonly customResources: readonly {
    readonly type: string;
    readonly properties: Readonly<Record<string, unknown>>;
  }[];
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

export interface HandlerContract {
  readonly name: string;
  /** The code the table describes, for people. */
  readonly code: string;
  readonly describes: (facts: FunctionFacts) => boolean;
  readonly calls: readonly HandlerCall[];
}

const env = (name: string) => (f: FunctionFacts) =>
  (f.environment[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * lib/certificates/monitor-handler.ts: DescribeCertificate on each certificate it is given, Publish to the
 * alert topic (SNS then uses the topic's key with the function's credentials).
 */
export const CERTIFICATE_MONITOR: HandlerContract = {
  name: 'certificate monitor',
  code: 'lib/certificates/monitor-handler.ts',
  describes: (f) =>
    MONITOR_ENVIRONMENT.certificateArns in f.environment && MONITOR_ENVIRONMENT.topicArn in f.environment,
  calls: [
    { action: 'acm:DescribeCertificate', on: env(MONITOR_ENVIRONMENT.certificateArns) },
    { action: 'sns:Publish', on: env(MONITOR_ENVIRONMENT.topicArn), usesKeyVia: 'sns' },
  ],
};

const defaultSecurityGroups = (f: FunctionFacts) =>
  f.customResources
    .filter((c) => c.type === 'Custom::VpcRestrictDefaultSG')
    .map(
      (c) =>
        `arn:${f.partition}:ec2:${f.region}:${f.account}:security-group/${String(c.properties.DefaultSecurityGroupId)}`,
    );

/**
 * aws-cdk-lib's handler of `Custom::VpcRestrictDefaultSG`
 * (custom-resource-handlers/dist/aws-ec2/restrict-default-security-group-handler): revokes the default
 * security group's rules on create, puts them back on delete.
 */
export const RESTRICT_DEFAULT_SECURITY_GROUP: HandlerContract = {
  name: 'restrict default security group (aws-cdk-lib)',
  code: 'aws-cdk-lib/custom-resource-handlers/dist/aws-ec2/restrict-default-security-group-handler/index.js',
  describes: (f) => f.customResources.some((c) => c.type === 'Custom::VpcRestrictDefaultSG'),
  calls: [
    { action: 'ec2:RevokeSecurityGroupEgress', on: defaultSecurityGroups },
    { action: 'ec2:RevokeSecurityGroupIngress', on: defaultSecurityGroups },
    { action: 'ec2:AuthorizeSecurityGroupIngress', on: defaultSecurityGroups },
    { action: 'ec2:AuthorizeSecurityGroupEgress', on: defaultSecurityGroups },
  ],
};

/** Every table; a function is described by the first that says so. */
/**
 * lib/data/app-role-handler.ts: reads the master and the app secret named by its custom resource's properties
 * (Secrets Manager decrypts them with their key for the function's credentials), then talks to PostgreSQL, a
 * network path, not an IAM one. test/data/app-role-sql.test.ts runs the handler against a local Secrets Manager
 * server and a real PostgreSQL.
 */
export const APP_ROLE_PROVISIONING: HandlerContract = {
  name: 'app role provisioning',
  code: 'lib/data/app-role-handler.ts',
  describes: (f) => f.customResources.some((c) => APP_ROLE_PROPERTIES.masterSecretArn in c.properties),
  calls: [
    {
      action: 'secretsmanager:GetSecretValue',
      on: (f) =>
        f.customResources.flatMap((c) =>
          [APP_ROLE_PROPERTIES.masterSecretArn, APP_ROLE_PROPERTIES.appSecretArn]
            .map((k) => c.properties[k])
            .filter((v): v is string => typeof v === 'string'),
        ),
      usesKeyVia: 'secretsmanager',
    },
  ],
};

/**
 * lib/audit/object-lock-handler.ts: turns Object Lock on for the bucket its custom resource names and reads the
 * configuration back (test/audit/object-lock-handler.test.ts runs it against a local S3 server).
 */
export const BUCKET_OBJECT_LOCK: HandlerContract = {
  name: 'bucket object lock',
  code: 'lib/audit/object-lock-handler.ts',
  describes: (f) => f.customResources.some((c) => OBJECT_LOCK_PROPERTIES.retentionDays in c.properties),
  calls: ['s3:PutBucketObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'].map((action) => ({
    action,
    on: (f: FunctionFacts) =>
      f.customResources
        .map((c) => c.properties[OBJECT_LOCK_PROPERTIES.bucketName])
        .filter((v): v is string => typeof v === 'string')
        .map((bucket) => `arn:${f.partition}:s3:::${bucket}`),
  })),
};

/** A restored copy as AWS Backup names it (AWS Backup Developer Guide, restore-testing-inferred-metadata.html). */
const restored = (kind: 'db' | 'cluster') => (f: FunctionFacts) => [
  `arn:${f.partition}:rds:${f.region}:${f.account}:${kind}:awsbackup-restore-test-0123456789ab`,
];

/**
 * lib/data/restore-validation-handler.ts: describes the restored instance or cluster named by the event, reads
 * the master secret named by its environment (current and previous versions), counts rows over PostgreSQL (a
 * network path, not an IAM one) and reports the verdict on the restore job. test/data/restore-validation-handler.test.ts
 * runs it against local RDS, Secrets Manager and AWS Backup servers and a real PostgreSQL.
 */
export const RESTORE_VALIDATION: HandlerContract = {
  name: 'restore validation',
  code: 'lib/data/restore-validation-handler.ts',
  describes: (f) =>
    RESTORE_VALIDATION_ENVIRONMENT.restoreTestingPlanArn in f.environment &&
    RESTORE_VALIDATION_ENVIRONMENT.masterSecretArn in f.environment,
  calls: [
    { action: 'rds:DescribeDBInstances', on: restored('db') },
    { action: 'rds:DescribeDBClusters', on: restored('cluster') },
    {
      action: 'secretsmanager:GetSecretValue',
      on: env(RESTORE_VALIDATION_ENVIRONMENT.masterSecretArn),
      usesKeyVia: 'secretsmanager',
    },
    // The action has no resource type: IAM authorizes it on "*" only.
    { action: 'backup:PutRestoreValidationResult', on: () => ['*'] },
  ],
};

export const HANDLER_CONTRACTS: readonly HandlerContract[] = [
  CERTIFICATE_MONITOR,
  RESTRICT_DEFAULT_SECURITY_GROUP,
  APP_ROLE_PROVISIONING,
  BUCKET_OBJECT_LOCK,
  RESTORE_VALIDATION,
];

/**
 * The rotation function the `AWS::SecretsManager-2024-09-16` transform creates for a `HostedRotationLambda`
 * (it is not in the synthesized template). Its calls and its role's policy are AWS's: Secrets Manager User
 * Guide, "Permissions for rotation Lambda functions" (rotating-secrets-required-permissions-function.html) and
 * "AWS::SecretsManager transform" (transform-aws-secretsmanager.html): DescribeSecret, GetSecretValue,
 * PutSecretValue and UpdateSecretVersionStage on the secret (the role's statement is conditioned on
 * `secretsmanager:resource/AllowRotationLambdaArn`), GetRandomPassword, and kms:Decrypt/kms:GenerateDataKey on
 * the key named by `KmsKeyArn` only (without it, the role has no permission on a customer managed key).
 * It also connects to the database with the secret's credentials: a network path, not an IAM one.
 */
export const HOSTED_ROTATION = {
  name: 'hosted rotation function (AWS::SecretsManager transform)',
  secretCalls: [
    'secretsmanager:DescribeSecret',
    'secretsmanager:GetSecretValue',
    'secretsmanager:PutSecretValue',
    'secretsmanager:UpdateSecretVersionStage',
  ],
  keyCalls: ['kms:Decrypt', 'kms:GenerateDataKey'],
  /** The role policy the transform gives the function, for `functionArn` and the optional `KmsKeyArn`. */
  rolePolicy(functionArn: string, kmsKeyArn: string | undefined) {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RotateThisSecret',
          Effect: 'Allow' as const,
          Action: [...HOSTED_ROTATION.secretCalls],
          Resource: '*',
          Condition: { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': functionArn } },
        },
        {
          Sid: 'GeneratePasswords',
          Effect: 'Allow' as const,
          Action: 'secretsmanager:GetRandomPassword',
          Resource: '*',
        },
        ...(kmsKeyArn
          ? [
              {
                Sid: 'UseTheSecretsKey',
                Effect: 'Allow' as const,
                Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
                Resource: kmsKeyArn,
              },
            ]
          : []),
      ],
    };
  },
} as const;
