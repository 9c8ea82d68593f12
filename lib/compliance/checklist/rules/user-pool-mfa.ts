import { CfnResource } from 'aws-cdk-lib';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** C2: a Cognito user pool requires a second factor for every sign-in (`MfaConfiguration` ON, not OPTIONAL). */
export function userPoolMfa(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnUserPool)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return NagRules.resolveIfPrimitive(node, node.mfaConfiguration) === 'ON'
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
