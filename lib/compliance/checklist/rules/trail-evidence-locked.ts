import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import {
  asList,
  logicalIdOf,
  referencedIds,
  refersTo,
  resolved,
  resourcesOfStack,
} from '../template-references';

/** The custom resource type of `BucketObjectLock`, which turns Object Lock on for a bucket that exists. */
export const BUCKET_OBJECT_LOCK_TYPE = 'Custom::BucketObjectLock';

interface FieldSelector {
  field?: unknown;
  equalTo?: unknown;
  startsWith?: unknown;
}

/**
 * C10: the trail's own evidence resists an administrator. When a trail of the stack writes to a bucket of the
 * stack, that bucket has S3 Object Lock (`object-lock`: enabled when it was created, or turned on in place by a
 * `Custom::BucketObjectLock` resource naming it), and the trail records deletes of its log files as S3 data events
 * (`data-events`: an advanced selector of the Data category on the bucket's objects whose event names include
 * `DeleteObject`, or a basic selector of its objects that records writes). A trail writing to a bucket of another stack or account has nothing here to judge.
 */
export function trailEvidenceLocked(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTrail)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const [bucketId] = referencedIds(node, node.s3BucketName);
  const bucket = resourcesOfStack(node, CfnBucket).find((b) => logicalIdOf(b) === bucketId);
  if (!bucket) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const findings: string[] = [];
  const lockedAtCreation = NagRules.resolveIfPrimitive(bucket, bucket.objectLockEnabled) === true;
  const lockedInPlace = Stack.of(node)
    .node.findAll()
    .some(
      (c) =>
        c instanceof CfnResource &&
        c.cfnResourceType === BUCKET_OBJECT_LOCK_TYPE &&
        refersTo(node, cfnProperties(c), bucketId),
    );
  if (!lockedAtCreation && !lockedInPlace) findings.push('object-lock');

  const selectors = resolved<Array<{ fieldSelectors?: FieldSelector[] }> | undefined>(
    node,
    node.advancedEventSelectors,
  );
  const recordsDeletes = (selectors ?? []).some((selector) => {
    const fields = selector.fieldSelectors ?? [];
    const field = (name: string) => fields.find((f) => f.field === name);
    return (
      asList(field('eventCategory')?.equalTo).includes('Data') &&
      asList(field('resources.type')?.equalTo).includes('AWS::S3::Object') &&
      refersTo(node, field('resources.ARN')?.startsWith, bucketId) &&
      asList(field('eventName')?.equalTo).includes('DeleteObject')
    );
  });
  // A basic selector of the bucket's objects that records writes records deletes too.
  const basic = resolved<
    | Array<{ readWriteType?: unknown; dataResources?: Array<{ type?: unknown; values?: unknown }> }>
    | undefined
  >(node, node.eventSelectors);
  const recordsWrites = (basic ?? []).some(
    (selector) =>
      selector.readWriteType !== 'ReadOnly' &&
      (selector.dataResources ?? []).some(
        (d) => d.type === 'AWS::S3::Object' && refersTo(node, d.values, bucketId),
      ),
  );
  if (!recordsDeletes && !recordsWrites) findings.push('data-events');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** The properties a resource is synthesized with (a custom resource keeps them out of its typed API). */
function cfnProperties(resource: CfnResource): unknown {
  const stack = Stack.of(resource);
  // `_toCloudFormation` is how the stack itself renders a resource; its shape is the template's.
  const rendered = stack.resolve(
    (
      resource as unknown as { _toCloudFormation(): { Resources: Record<string, { Properties?: unknown }> } }
    )._toCloudFormation(),
  ) as { Resources: Record<string, { Properties?: unknown }> };
  return Object.values(rendered.Resources)[0]?.Properties;
}
