import { CfnResource } from 'aws-cdk-lib';
import { CfnCertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** Key algorithms of ACM certificates that meet checklist C1: RSA of 2048 bits or more, or ECDSA. */
const STRONG_KEY_ALGORITHMS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
];

/** C1: a certificate requested from ACM uses an RSA key of 2048 bits or more, or an ECDSA key. */
export function certificateKeyStrength(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnCertificate)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  // ACM's own default for a requested certificate is RSA 2048.
  const algorithm = NagRules.resolveIfPrimitive(node, node.keyAlgorithm) ?? 'RSA_2048';
  return STRONG_KEY_ALGORITHMS.includes(algorithm)
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
