import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { isPinnedImage } from '../../../private/image-reference';

/**
 * C4: every container image is pinned by a tag other than `latest` or by a digest. An image given as a
 * CloudFormation expression (an ECR repository URI) is judged by its literal tail, where the tag or digest is.
 */
export function containerImagePinned(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnTaskDefinition)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const containers = (Stack.of(node).resolve(node.containerDefinitions) ?? []) as Array<{
    name?: string;
    image?: unknown;
  }>;
  const unpinned = containers
    .filter((c) => !isPinnedImage(literalTail(c.image)))
    .map((c) => c.name ?? 'container');
  return unpinned.length > 0 ? unpinned : NagRuleCompliance.COMPLIANT;
}

/** The last literal string of an image reference: the whole string, or the last piece of an Fn::Join. */
function literalTail(image: unknown): string {
  if (typeof image === 'string') {
    return image;
  }
  const parts = (image as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join']?.[1];
  const last = Array.isArray(parts) ? parts[parts.length - 1] : undefined;
  return typeof last === 'string' ? last : '';
}
