import { CfnResource } from 'aws-cdk-lib';
import { CfnService } from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** C4: a Fargate service runs on the latest platform version, which carries the current security fixes. */
export function fargateLatestPlatform(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnService) || NagRules.resolveIfPrimitive(node, node.launchType) !== 'FARGATE') {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const version = NagRules.resolveIfPrimitive(node, node.platformVersion);
  return version === undefined || version === 'LATEST'
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
