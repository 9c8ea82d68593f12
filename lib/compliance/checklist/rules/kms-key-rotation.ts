import { CfnResource } from 'aws-cdk-lib';
import { CfnKey } from 'aws-cdk-lib/aws-kms';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/**
 * C5: a symmetric encryption key rotates its key material automatically. Asymmetric and HMAC keys cannot
 * rotate and are not judged.
 */
export function kmsKeyRotation(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnKey)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const spec = NagRules.resolveIfPrimitive(node, node.keySpec) ?? 'SYMMETRIC_DEFAULT';
  if (spec !== 'SYMMETRIC_DEFAULT') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return NagRules.resolveIfPrimitive(node, node.enableKeyRotation) === true
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
