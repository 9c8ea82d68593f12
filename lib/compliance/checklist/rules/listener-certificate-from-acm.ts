import { CfnResource } from 'aws-cdk-lib';
import { CfnCertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { CfnListener, CfnListenerCertificate } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { logicalIdOf, referencedIds, resolved, resourcesOfStack } from '../template-references';

/**
 * C1: every certificate an HTTPS listener serves is requested from ACM in the same template, so it is
 * DNS-validated and renewed by ACM. An imported ARN or an IAM server certificate may be self-signed or expire
 * unnoticed: its renewal cannot be proven at synth. Each such certificate is a finding, named by its position.
 */
export function listenerCertificateFromAcm(node: CfnResource): NagRuleResult {
  let certificates: unknown[];
  if (node instanceof CfnListener) {
    if (NagRules.resolveIfPrimitive(node, node.protocol) !== 'HTTPS') {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    certificates = resolved<unknown[] | undefined>(node, node.certificates) ?? [];
  } else if (node instanceof CfnListenerCertificate) {
    certificates = resolved<unknown[] | undefined>(node, node.certificates) ?? [];
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const acmIds = resourcesOfStack(node, CfnCertificate).map(logicalIdOf);
  const unproven = certificates
    .map((certificate, index) => ({ index, ids: referencedIds(node, certificate) }))
    .filter(({ ids }) => !ids.some((id) => acmIds.includes(id)))
    .map(({ index }) => `certificate-${index + 1}`);
  if (certificates.length === 0) {
    return ['certificate-1'];
  }
  return unproven.length > 0 ? unproven : NagRuleCompliance.COMPLIANT;
}
