import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { MIN_PASSWORD_LENGTH } from '../thresholds';

/**
 * C2: a Cognito user pool demands passwords of at least `MIN_PASSWORD_LENGTH` characters (thresholds.ts) with
 * lower case, upper case, digits and symbols. Each shortfall is its own finding: `length`, `lowercase`,
 * `uppercase`, `numbers`, `symbols`.
 */
export function userPoolPasswordPolicy(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnUserPool)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const policy =
    (Stack.of(node).resolve(node.policies) as { passwordPolicy?: Record<string, unknown> } | undefined)
      ?.passwordPolicy ?? {};
  const findings: string[] = [];
  // Cognito's own default minimum is 8 characters.
  const length = policy.minimumLength ?? 8;
  if (typeof length !== 'number' || length < MIN_PASSWORD_LENGTH) findings.push('length');
  // Judged only when stated: an omitted requirement is not enforced once a password policy is given.
  const requires = (key: string) => policy[key] === true;
  if (!requires('requireLowercase')) findings.push('lowercase');
  if (!requires('requireUppercase')) findings.push('uppercase');
  if (!requires('requireNumbers')) findings.push('numbers');
  if (!requires('requireSymbols')) findings.push('symbols');
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
