import { Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import {
  DEFAULT_LOG_BUCKET_EXPIRATION,
  LOG_BUCKET_INFREQUENT_ACCESS_AFTER,
  LOG_BUCKET_NONCURRENT_EXPIRATION,
} from '../private/defaults';
import { Problems } from '../private/problems';

export interface LogBucketProps {
  /**
   * How long log objects are kept before they expire (checklist C7).
   * @default Duration.days(90)
   */
  readonly expiration?: Duration;

  /**
   * Bucket that receives this bucket's S3 server access logs.
   * @default - no server access logs: use only for a bucket that itself receives access logs
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Prefix of this bucket's server access logs in `serverAccessLogsBucket`.
   * @default - the construct id followed by '/'
   */
  readonly serverAccessLogsPrefix?: string;

  /**
   * What happens to the bucket and its logs when it leaves the stack.
   * Log buckets hold evidence: only `RETAIN` keeps it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An S3 bucket for logs that AWS services deliver (load balancer access logs, S3 server access logs):
 * SSL and TLS 1.2+ only, public access blocked, ACLs disabled, versioned, encrypted, expired on a schedule,
 * retained when the stack is deleted.
 *
 * Encryption is SSE-S3 because Elastic Load Balancing and S3 server access log delivery accept no other
 * kind of key.
 */
export class LogBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** Days objects are kept: the given expiration, or longer when a holder of evidence asked for it. */
  private expirationDays: number;

  constructor(scope: Construct, id: string, props: LogBucketProps = {}) {
    super(scope, id);
    // Grant S3 log delivery through the bucket policy, never through ACLs (which stay disabled), whatever
    // feature flags the app sets: older flag sets would otherwise demand ACLs and fail.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const expiration = props.expiration ?? DEFAULT_LOG_BUCKET_EXPIRATION;
    const problems = new Problems();
    problems.range('expiration', expiration.toDays(), 1, 3650, 'days');
    problems.throwIfAny(this);
    this.expirationDays = expiration.toDays();

    const transitionToInfrequentAccess = expiration.toDays() > LOG_BUCKET_INFREQUENT_ACCESS_AFTER.toDays();
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsBucket
        ? (props.serverAccessLogsPrefix ?? `${id}/`)
        : undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireLogs',
          // Read at synthesis: `keepAtLeast` may lengthen it after the bucket is made.
          expiration: Duration.days(Lazy.number({ produce: () => this.expirationDays })),
          noncurrentVersionExpiration: LOG_BUCKET_NONCURRENT_EXPIRATION,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          transitions: transitionToInfrequentAccess
            ? [
                {
                  storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                  transitionAfter: LOG_BUCKET_INFREQUENT_ACCESS_AFTER,
                },
              ]
            : undefined,
        },
      ],
    });
    acknowledge(this.bucket, 'logDeliveryBucket');
    enableEventBridge(this.bucket);
  }

  /**
   * Keeps the logs at least `minimum`, for a bucket that also receives the S3 server access logs of a bucket
   * whose files are kept longer (the audit trail's): the record of who read or deleted a file then lasts as
   * long as the file. Never shortens.
   */
  public keepAtLeast(minimum: Duration): void {
    this.expirationDays = Math.max(this.expirationDays, minimum.toDays());
  }
}

/**
 * Sends the bucket's S3 events to Amazon EventBridge (object created, deleted, restored; lifecycle expiry), so
 * rules can watch who deletes logs. Written on the bucket's own `NotificationConfiguration`, which
 * CloudFormation updates in place: aws-cdk-lib's `eventBridgeEnabled` would add a custom resource, a Lambda
 * function and a role with `s3:PutBucketNotification` on "*".
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
 */
export function enableEventBridge(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
