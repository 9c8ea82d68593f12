import * as path from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import { BUNDLE_FILE, bundledHandlerCode } from '../private/bundled-handler';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { OBJECT_LOCK_PROPERTIES } from './object-lock-contract';

/** The function's runtime: the latest Node.js Lambda offers (AwsSolutions-L1). */
export const OBJECT_LOCK_RUNTIME = lambda.Runtime.NODEJS_24_X;
/** CloudFormation gives up on the answer after this (instead of its default hour). */
const OBJECT_LOCK_SERVICE_TIMEOUT = Duration.minutes(5);

export interface BucketObjectLockProps {
  /** The existing bucket to lock. It must be versioned: S3 turns Object Lock on only for versioned buckets. */
  readonly bucket: s3.IBucket;

  /** Default retention of every new object version, in governance mode. */
  readonly retention: Duration;

  /** Key that encrypts the function's log group; it must admit CloudWatch Logs. */
  readonly logEncryptionKey: kms.IKey;

  /**
   * How long the function's log (the record of each change of the lock) is kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * S3 Object Lock turned on for a bucket that already exists, in place: a custom resource calls
 * `PutObjectLockConfiguration` with a default retention in governance mode. CloudFormation can set
 * `ObjectLockEnabled` only by replacing the bucket; S3 itself enables Object Lock on an existing versioned
 * bucket, which keeps its objects and its name.
 *
 * Object Lock cannot be turned off: removing this construct leaves the bucket locked with its last retention.
 */
export class BucketObjectLock extends Construct {
  /** The function that sets the lock, run by CloudFormation only. */
  public readonly function: lambda.Function;
  /** Its role: the bucket's Object Lock configuration and its own log group, nothing else. */
  public readonly role: iam.Role;
  /** The custom resource. */
  public readonly customResource: CustomResource;

  constructor(scope: Construct, id: string, props: BucketObjectLockProps) {
    super(scope, id);
    const problems = new Problems();
    problems.range('retention', props.retention.toDays(), 1, 36500, 'days');
    problems.throwIfAny(this);

    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: "Turns Object Lock on for the audit trail's bucket and reads it back; writes its own log",
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SetAndReadTheBucketObjectLock',
        actions: ['s3:PutBucketObjectLockConfiguration', 's3:GetBucketObjectLockConfiguration'],
        resources: [props.bucket.bucketArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLog',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    const extension = path.extname(__filename);
    const code = bundledHandlerCode(
      path.join(__dirname, `object-lock-handler${extension === '.ts' ? '.ts' : '.js'}`),
      // The runtime provides AWS SDK v3.
      { target: 'node24', externalModules: ['@aws-sdk/*'] },
    );
    this.function = new lambda.Function(this, 'Function', {
      description: 'Turns S3 Object Lock on for an existing versioned bucket, in governance mode',
      code,
      handler: `${path.parse(BUNDLE_FILE).name}.handler`,
      runtime: OBJECT_LOCK_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup,
      // Only CloudFormation calls it, once per deployment that changes it.
    });
    this.function.node.addDependency(this.role);
    acknowledge(this.function, 'deployTimeFunction');
    acknowledge(this.function, 'lambdaOutsideVpc');

    this.customResource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::BucketObjectLock',
      serviceToken: this.function.functionArn,
      serviceTimeout: OBJECT_LOCK_SERVICE_TIMEOUT,
      properties: {
        [OBJECT_LOCK_PROPERTIES.bucketName]: props.bucket.bucketName,
        [OBJECT_LOCK_PROPERTIES.retentionDays]: `${props.retention.toDays()}`,
        // A new bundle sets the lock again on the next deployment.
        [OBJECT_LOCK_PROPERTIES.codeHash]: path.basename(code.path),
      },
    });
    // After the bucket exists (and is versioned) and once the function may call S3.
    this.customResource.node.addDependency(props.bucket, this.role);
  }
}
