import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnDBClusterParameterGroup, CfnDBParameterGroup } from 'aws-cdk-lib/aws-rds';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** C1: a PostgreSQL parameter group (instance or cluster) sets `rds.force_ssl` to 1, so no client connects in clear text. */
export function postgresForcesTls(node: CfnResource): NagRuleResult {
  let family: unknown;
  let parameters: unknown;
  if (node instanceof CfnDBParameterGroup || node instanceof CfnDBClusterParameterGroup) {
    family = NagRules.resolveIfPrimitive(node, node.family);
    parameters = Stack.of(node).resolve(node.parameters);
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  if (typeof family !== 'string' || !/postgres/i.test(family)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const value = (parameters as Record<string, unknown> | undefined)?.['rds.force_ssl'];
  return String(value) === '1' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
