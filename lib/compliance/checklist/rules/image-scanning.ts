import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnRepository, CfnRepositoryCreationTemplate } from 'aws-cdk-lib/aws-ecr';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';

/** Encryption types of ECR that use a KMS key (`AES256` is S3-managed): the ECR API reference. */
const KMS_ENCRYPTION = ['KMS', 'KMS_DSSE'];

/**
 * C4, C9: an image repository scans every push and keeps its tags immutable, so the image a digest or version
 * tag names was scanned and cannot be swapped. A repository creation template (the settings of the repositories
 * a pull through cache creates) keeps tags immutable too, which ECR allows for cached images (it then keeps the
 * image first cached under a tag: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html),
 * and encrypts with a KMS key. It carries no scan setting: cached images are scanned by the registry's scanning
 * configuration. A value known only at deploy time cannot be proven and is reported.
 *
 * Findings name what is missing: `ScanOnPush`, `ImmutableTags`, `KmsEncryption`.
 */
export function imageScanning(node: CfnResource): NagRuleResult {
  const resolve = (value: unknown): unknown => Stack.of(node).resolve(value);
  if (node instanceof CfnRepository) {
    const scanning = resolve(node.imageScanningConfiguration) as { scanOnPush?: unknown } | undefined;
    const missing = [
      ...(scanning?.scanOnPush === true ? [] : ['ScanOnPush']),
      ...(resolve(node.imageTagMutability) === 'IMMUTABLE' ? [] : ['ImmutableTags']),
    ];
    return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
  }
  if (node instanceof CfnRepositoryCreationTemplate) {
    const encryption = resolve(node.encryptionConfiguration) as { encryptionType?: unknown } | undefined;
    const missing = [
      ...(resolve(node.imageTagMutability) === 'IMMUTABLE' ? [] : ['ImmutableTags']),
      ...(KMS_ENCRYPTION.includes(encryption?.encryptionType as string) ? [] : ['KmsEncryption']),
    ];
    return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
  }
  return NagRuleCompliance.NOT_APPLICABLE;
}
