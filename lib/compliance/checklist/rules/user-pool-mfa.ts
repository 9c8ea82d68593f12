import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** The authenticator-app (TOTP) factor of a Cognito user pool, as `EnabledMfas` names it. */
const TOTP = 'SOFTWARE_TOKEN_MFA';

/**
 * C2: a Cognito user pool requires a second factor for every sign-in (`MfaConfiguration` ON, not OPTIONAL), and
 * offers an authenticator app (TOTP) as that factor (`EnabledMfas` has `SOFTWARE_TOKEN_MFA`). A setting known
 * only at deploy time proves neither.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
 */
export function userPoolMfa(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnUserPool)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const required = NagRules.resolveIfPrimitive(node, node.mfaConfiguration) === 'ON';
  const enabled = Stack.of(node).resolve(node.enabledMfas) as unknown;
  const totp = Array.isArray(enabled) && enabled.includes(TOTP);
  return required && totp ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
