/**
 * The deploy-time function of `BucketObjectLock` (bundled by esbuild; the AWS SDK comes from the Lambda
 * runtime). CloudFormation calls it directly as a custom resource: on create and update it turns S3 Object
 * Lock on for an existing versioned bucket with a default retention in governance mode
 * (`PutObjectLockConfiguration`), then reads the configuration back to prove it holds; on delete it changes
 * nothing, since S3 cannot turn Object Lock off and the files stay locked for their retention.
 * It answers CloudFormation itself, on the pre-signed response URL.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 */
import {
  GetObjectLockConfigurationCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { OBJECT_LOCK_MODE, OBJECT_LOCK_PROPERTIES } from './object-lock-contract';
import {
  CustomResourceAnswer,
  CustomResourceEvent,
  respondToCloudFormation,
} from '../private/custom-resource-response';

/** The bucket's Object Lock configuration as S3 reads it back. */
export interface ObjectLockState {
  readonly bucketName: string;
  readonly mode: string;
  readonly days: number;
}

export async function handler(event: CustomResourceEvent): Promise<void> {
  const properties = event.ResourceProperties;
  const bucketName = properties[OBJECT_LOCK_PROPERTIES.bucketName] ?? '';
  // The bucket names the resource: another bucket is another resource, and CloudFormation's delete of the
  // old one changes nothing.
  const physicalResourceId = event.PhysicalResourceId ?? `${bucketName}/object-lock`;
  let answer: CustomResourceAnswer;
  try {
    if (event.RequestType === 'Delete') {
      console.log(`Delete: Object Lock stays on for ${bucketName} (S3 cannot turn it off)`);
      answer = { Status: 'SUCCESS' };
    } else {
      const state = await lockBucket(new S3Client({}), bucketName, retentionDaysOf(properties));
      console.log(JSON.stringify({ objectLock: 'Enabled', ...state }));
      answer = { Status: 'SUCCESS', Data: { Mode: state.mode, Days: `${state.days}` } };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${event.RequestType} of ${physicalResourceId} failed: ${message}`);
    answer = { Status: 'FAILED', Reason: message.slice(0, 1000) };
  }
  await respondToCloudFormation(event, physicalResourceId, answer);
}

/**
 * Turns Object Lock on for `bucketName` with a default retention of `days` in governance mode, and returns the
 * configuration S3 then reports. Throws when S3 refuses (an unversioned bucket, a missing permission) or
 * reports anything else than what was set.
 */
export async function lockBucket(
  client: S3Client,
  bucketName: string,
  days: number,
): Promise<ObjectLockState> {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName)) {
    throw new Error(
      `the custom resource property ${OBJECT_LOCK_PROPERTIES.bucketName} is not a bucket name: '${bucketName}'`,
    );
  }
  await client.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucketName,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: OBJECT_LOCK_MODE, Days: days } },
      },
    }),
  );
  const { ObjectLockConfiguration: read } = await client.send(
    new GetObjectLockConfigurationCommand({ Bucket: bucketName }),
  );
  const retention = read?.Rule?.DefaultRetention;
  if (
    read?.ObjectLockEnabled !== 'Enabled' ||
    retention?.Mode !== OBJECT_LOCK_MODE ||
    retention.Days !== days
  ) {
    throw new Error(
      `${bucketName} reports Object Lock ${read?.ObjectLockEnabled ?? 'off'} with ${retention?.Mode ?? 'no'} retention of ${retention?.Days ?? retention?.Years ?? 0} ${retention?.Years ? 'years' : 'days'}, not ${OBJECT_LOCK_MODE} for ${days} days`,
    );
  }
  return { bucketName, mode: retention.Mode, days: retention.Days };
}

function retentionDaysOf(properties: Record<string, string>): number {
  const raw = properties[OBJECT_LOCK_PROPERTIES.retentionDays];
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(
      `the custom resource property ${OBJECT_LOCK_PROPERTIES.retentionDays} is not a number of days: '${raw}'`,
    );
  }
  return days;
}
