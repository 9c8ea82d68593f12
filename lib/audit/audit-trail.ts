import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../compliance/acknowledgements';
import {
  AUDIT_LOG_NONCURRENT_EXPIRATION,
  DEFAULT_AUDIT_LOG_RETENTION,
  DEFAULT_TRAIL_ARCHIVE_AFTER,
  DEFAULT_TRAIL_BUCKET_EXPIRATION,
  DEFAULT_TRAIL_OBJECT_LOCK_RETENTION,
  MAX_TRAIL_BUCKET_EXPIRATION_DAYS,
  MIN_AUDIT_LOG_RETENTION_DAYS,
  MIN_TRAIL_BUCKET_EXPIRATION_DAYS,
  MIN_TRAIL_OBJECT_LOCK_DAYS,
} from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { Problems } from '../private/problems';
import { BucketObjectLock } from './bucket-object-lock';
import { enableEventBridge, LogBucket } from './log-bucket';

/**
 * How S3 Object Lock is turned on for the trail bucket:
 * - `at-creation`: the bucket is created with it (`ObjectLockEnabled`). On a stack whose trail bucket exists
 *   without it, CloudFormation would replace the bucket: use `in-place` there.
 * - `in-place`: the bucket is created (or kept) without `ObjectLockEnabled`, and a custom resource turns Object
 *   Lock on with `PutObjectLockConfiguration`, which S3 accepts for an existing versioned bucket.
 * - `off`: no Object Lock (a weaker, explicit choice): versioning, log file validation and the bucket policy
 *   protect the files, but an administrator can delete them.
 */
export type ObjectLockEnablement = 'at-creation' | 'in-place' | 'off';

/** Every value of `ObjectLockEnablement`, for validation. */
export const OBJECT_LOCK_ENABLEMENTS: readonly ObjectLockEnablement[] = ['at-creation', 'in-place', 'off'];

/**
 * The data events the trail records on its own bucket: what erases or unlocks evidence. Never `PutObject`,
 * which is how CloudTrail delivers its log files: recording it would log every delivery (each delivery a new
 * event to deliver), an endless and priced loop. An overwrite with `PutObject` keeps the old version (the
 * bucket is versioned and locked) and fails log file validation, so it erases nothing.
 */
export const TRAIL_BUCKET_DATA_EVENTS: readonly string[] = [
  'DeleteObject',
  'DeleteObjects',
  'PutObjectRetention',
  'PutObjectLegalHold',
];
import { SeparatedDutiesKey } from '../private/separated-key';

export interface AuditTrailProps {
  /**
   * Name of the trail. The trail's key admits CloudTrail only for this trail, so the name is fixed at synth.
   * @default - `<stack name>-audit`
   */
  readonly trailName?: string;

  /**
   * Name of the CloudWatch Logs log group of an existing trail (for example the organization trail of AWS
   * Control Tower, `aws-controltower/CloudTrailLogs`). When given, no trail, bucket or key is created: the
   * alarms of the audit tier sit on that log group, which must be in this account and region.
   * @default - a new multi-region trail of this account
   */
  readonly existingTrailLogGroupName?: string;

  /**
   * Key that encrypts the trail's CloudWatch Logs log group. It must admit CloudWatch Logs
   * (`LogEncryptionKey` does).
   * @default - the trail's own key, which then also admits CloudWatch Logs for this log group
   */
  readonly logGroupEncryptionKey?: kms.IKey;

  /**
   * How long the trail's events stay in CloudWatch Logs, where alarms and queries see them (checklist C7,
   * C10). At least 90 days (events stay searchable for a quarter, as PCI DSS 10.7 asks) and at most the
   * 400-day ceiling; the bucket keeps the full history.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long log files stay in the trail bucket before they expire: at least a year (the audit history
   * PCI DSS 10.7 and CIS ask for), at most ten.
   * @default Duration.days(400)
   */
  readonly bucketExpiration?: Duration;

  /**
   * Age at which log files move to S3 Glacier Instant Retrieval, which costs less to keep and still reads in
   * milliseconds. S3 keeps objects smaller than 128 KiB in their class, since they would cost more to move.
   * @default Duration.days(90)
   */
  readonly archiveAfter?: Duration;

  /**
   * Lock log files in governance mode for this long with S3 Object Lock, so that nobody without the
   * `s3:BypassGovernanceRetention` permission can delete or overwrite them: at least the audit floor of
   * 365 days, at most `bucketExpiration`.
   * @default Duration.days(365)
   */
  readonly objectLockRetention?: Duration;

  /**
   * How Object Lock is turned on for the trail bucket. Keep `at-creation` for a new stack; a stack whose trail
   * bucket was created without Object Lock (by 0.1.0, or with `off`) sets `in-place`, which
   * keeps the bucket: `at-creation` would replace it.
   * @default 'at-creation'
   */
  readonly objectLockEnablement?: ObjectLockEnablement;

  /**
   * Bucket that receives the trail bucket's S3 server access logs (who read or deleted which log file). It
   * must keep them at least as long as the trail's files (`bucketExpiration`): a `LogBucket` is made to; a
   * bucket of this app whose lifecycle rules expire objects sooner is refused.
   * @default - a new log bucket that keeps them for `bucketExpiration`
   */
  readonly serverAccessLogsBucket?: s3.IBucket;
}

/**
 * The account's activity log (checklist C10): a CloudTrail trail for all regions with global service events,
 * read and write management events and log file validation, encrypted with its own customer-managed key,
 * delivered to a dedicated bucket and to a CloudWatch Logs log group that the alarms of the audit tier watch.
 *
 * In accounts that already have an organization trail, `existingTrailLogGroupName` reuses that trail's log
 * group instead of recording every event twice.
 */
export class AuditTrail extends Construct {
  /** The trail; undefined when an existing trail is reused. */
  public readonly trail?: cloudtrail.CfnTrail;
  /** ARN of the trail; undefined when an existing trail is reused. */
  public readonly trailArn?: string;
  /** Name of the trail; undefined when an existing trail is reused. */
  public readonly trailName?: string;
  /** Key that encrypts the trail's log files; undefined when an existing trail is reused. */
  public readonly encryptionKey?: kms.Key;
  /** Bucket of the trail's log files; undefined when an existing trail is reused. */
  public readonly bucket?: s3.Bucket;
  /** Log group the trail delivers to, new or existing; the audit tier's metric filters read it. */
  public readonly logGroup: logs.ILogGroup;
  /** How Object Lock is turned on for the trail bucket; undefined when an existing trail is reused. */
  public readonly objectLockEnablement?: ObjectLockEnablement;
  /** The custom resource that turns Object Lock on in place, with `objectLockEnablement: 'in-place'`. */
  public readonly objectLock?: BucketObjectLock;

  constructor(scope: Construct, id: string, props: AuditTrailProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    const logRetention = props.logRetention ?? DEFAULT_AUDIT_LOG_RETENTION;
    const bucketExpiration = props.bucketExpiration ?? DEFAULT_TRAIL_BUCKET_EXPIRATION;
    const archiveAfter = props.archiveAfter ?? DEFAULT_TRAIL_ARCHIVE_AFTER;
    const problems = new Problems();
    problems.retention('logRetention', logRetention);
    problems.check(
      logRetention !== logs.RetentionDays.INFINITE && logRetention < MIN_AUDIT_LOG_RETENTION_DAYS,
      `\`logRetention\` of the audit trail must be at least ${MIN_AUDIT_LOG_RETENTION_DAYS} days (audit logs stay searchable for a year), got ${logRetention} days`,
    );
    problems.range(
      'bucketExpiration',
      bucketExpiration.toDays(),
      MIN_TRAIL_BUCKET_EXPIRATION_DAYS,
      MAX_TRAIL_BUCKET_EXPIRATION_DAYS,
      'days',
    );
    problems.range('archiveAfter', archiveAfter.toDays(), 30, bucketExpiration.toDays() - 1, 'days');
    const enablement = props.objectLockEnablement ?? 'at-creation';
    problems.check(
      !OBJECT_LOCK_ENABLEMENTS.includes(enablement),
      `\`objectLockEnablement\` must be one of ${OBJECT_LOCK_ENABLEMENTS.map((e) => `'${e}'`).join(', ')}, got '${enablement}'`,
    );
    const lockRetention = props.objectLockRetention ?? DEFAULT_TRAIL_OBJECT_LOCK_RETENTION;
    if (props.objectLockRetention !== undefined) {
      problems.range(
        'objectLockRetention',
        lockRetention.toDays(),
        MIN_TRAIL_OBJECT_LOCK_DAYS,
        bucketExpiration.toDays(),
        'days',
      );
    }
    problems.check(
      enablement === 'off' && props.objectLockRetention !== undefined,
      "`objectLockRetention` cannot be used with `objectLockEnablement` 'off': nothing is locked",
    );
    const existing = props.existingTrailLogGroupName;
    problems.check(
      existing !== undefined && !Token.isUnresolved(existing) && !/^[A-Za-z0-9._/#-]{1,512}$/.test(existing),
      `\`existingTrailLogGroupName\` must be a log group name (letters, digits, '_-./#'), got '${existing}'`,
    );
    const ignored = (
      [
        'logRetention',
        'bucketExpiration',
        'objectLockRetention',
        'objectLockEnablement',
        'archiveAfter',
      ] as const
    ).filter((name) => props[name] !== undefined);
    problems.check(
      existing !== undefined && ignored.length > 0,
      `${ignored.map((n) => `\`${n}\``).join(', ')} cannot be used with \`existingTrailLogGroupName\`: no trail, bucket or log group is created, the existing trail's own settings apply`,
    );
    const trailName = props.trailName ?? `${stack.stackName}-audit`;
    problems.check(
      !Token.isUnresolved(trailName) && !/^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(trailName),
      `\`trailName\` must be 3 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit, got '${trailName}'`,
    );
    problems.throwIfAny(this);

    if (existing !== undefined) {
      this.logGroup = logs.LogGroup.fromLogGroupName(this, 'LogGroup', existing);
      return;
    }

    this.trailName = trailName;
    this.trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: trailName,
    });

    this.encryptionKey = new SeparatedDutiesKey(this, 'Key', {
      description: `Encrypts the log files of the ${trailName} CloudTrail trail`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    const cloudTrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    // CloudTrail names the trail in the encryption context and as the source of the request: the key
    // encrypts for this trail and no other (no confused deputy).
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptThisTrail',
        principals: [cloudTrailPrincipal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': this.trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': this.trailArn },
        },
      }),
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrailPrincipal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
      }),
    );
    // Reading the evidence: principals of this account whose IAM policies allow it may decrypt trail log files,
    // and nothing else this key encrypts ("Enable CloudTrail log decrypt permissions", CloudTrail User Guide,
    // create-kms-key-policy-for-cloudtrail.html). Reading changes nothing; only the administrators above can
    // change who reads.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountToReadTrailFiles',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': stack.account },
          Null: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'false' },
        },
      }),
    );

    // Who read or deleted a log file is evidence too: its record lasts as long as the file.
    const accessLogs =
      props.serverAccessLogsBucket ??
      new LogBucket(this, 'BucketLogs', { expiration: bucketExpiration }).bucket;
    const accessLogsOwner = accessLogs.node.scope;
    if (accessLogsOwner instanceof LogBucket) {
      accessLogsOwner.keepAtLeast(bucketExpiration);
    } else {
      const shortest = shortestExpirationDays(accessLogs);
      problems.check(
        shortest !== undefined && shortest < bucketExpiration.toDays(),
        `\`serverAccessLogsBucket\` expires objects after ${shortest} days, before the trail's log files (\`bucketExpiration\` ${bucketExpiration.toDays()} days): the record of who deleted a file would go first`,
      );
      problems.throwIfAny(this);
    }
    this.objectLockEnablement = enablement;
    const lockedAtCreation = enablement === 'at-creation';
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // ObjectLockEnabled is set only when the bucket is created with it: CloudFormation replaces a bucket
      // whose ObjectLockEnabled changes, so `in-place` and `off` leave it out (see docs/updates.md).
      objectLockEnabled: lockedAtCreation ? true : undefined,
      objectLockDefaultRetention: lockedAtCreation
        ? s3.ObjectLockRetention.governance(lockRetention)
        : undefined,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-trail/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ArchiveThenExpire',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: archiveAfter },
          ],
          expiration: bucketExpiration,
          // A deleted or overwritten file stays as an old version at least as long as the audit floor and
          // its lock: a delete marker does not start a short clock on the evidence.
          noncurrentVersionExpiration: Duration.days(
            Math.max(
              AUDIT_LOG_NONCURRENT_EXPIRATION.toDays(),
              enablement === 'off' ? 0 : lockRetention.toDays(),
            ),
          ),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    acknowledge(this.bucket, 'auditTrailBucket');
    enableEventBridge(this.bucket);
    const fromThisTrail = { StringEquals: { 'aws:SourceArn': this.trailArn } };
    const aclCheck = this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailAclCheck',
        principals: [cloudTrailPrincipal],
        actions: ['s3:GetBucketAcl'],
        resources: [this.bucket.bucketArn],
        conditions: fromThisTrail,
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailWrite',
        principals: [cloudTrailPrincipal],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
        conditions: {
          StringEquals: { ...fromThisTrail.StringEquals, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      }),
    );

    const logGroupKey = props.logGroupEncryptionKey ?? this.encryptionKey;
    if (enablement === 'in-place') {
      this.objectLock = new BucketObjectLock(this, 'ObjectLock', {
        bucket: this.bucket,
        retention: lockRetention,
        logEncryptionKey: logGroupKey,
        logRetention,
      });
    }
    if (!props.logGroupEncryptionKey) {
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchLogsOfThisAccount',
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: [
            'kms:Encrypt*',
            'kms:Decrypt*',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
            'kms:Describe*',
          ],
          resources: ['*'],
          conditions: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logRetention,
      encryptionKey: logGroupKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup = logGroup;
    const logsRole = new ManagedPolicyRole(this, 'LogsRole', {
      assumedBy: cloudTrailPrincipal,
      description: `Lets the ${trailName} trail deliver events to its CloudWatch Logs log group`,
    });
    const delivery = logsRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    this.trail = new cloudtrail.CfnTrail(this, 'Resource', {
      trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.encryptionKey.keyArn,
      s3BucketName: this.bucket.bucketName,
      cloudWatchLogsLogGroupArn: logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      // Advanced selectors, since a trail takes either kind and the data events need them: every management
      // event (read and write), plus what erases or unlocks a file of this trail's own bucket.
      advancedEventSelectors: [
        {
          name: 'Management events, read and write',
          fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
        },
        {
          name: "Deletes and lock changes of this trail's log files",
          fieldSelectors: [
            { field: 'eventCategory', equalTo: ['Data'] },
            { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
            { field: 'resources.ARN', startsWith: [this.bucket.arnForObjects('')] },
            { field: 'eventName', equalTo: [...TRAIL_BUCKET_DATA_EVENTS] },
          ],
        },
      ],
    });
    // CloudTrail checks the bucket policy and its role when the trail is created, so the trail waits for both.
    if (aclCheck.policyDependable) {
      this.trail.node.addDependency(aclCheck.policyDependable);
    }
    if (delivery.policyDependable) {
      this.trail.node.addDependency(delivery.policyDependable);
    }
  }
}

/**
 * The fewest days after which a bucket of this app expires current objects by its lifecycle rules, when it is
 * one (an imported bucket tells nothing at synth).
 */
function shortestExpirationDays(bucket: s3.IBucket): number | undefined {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) {
    return undefined;
  }
  const configuration = Stack.of(bucket).resolve(cfn.lifecycleConfiguration) as
    { rules?: Array<{ status?: string; expirationInDays?: unknown }> } | undefined;
  const days = (configuration?.rules ?? [])
    .filter((r) => r.status === 'Enabled' && typeof r.expirationInDays === 'number')
    .map((r) => r.expirationInDays as number);
  return days.length > 0 ? Math.min(...days) : undefined;
}
