import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnService } from 'aws-cdk-lib/aws-ecs';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/** C5: ECS tasks get no public IP address: they are reached through the load balancer only. */
export function noPublicIpOnTasks(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnService)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const network = Stack.of(node).resolve(node.networkConfiguration) as
    { awsvpcConfiguration?: { assignPublicIp?: unknown } } | undefined;
  const assign = NagRules.resolveIfPrimitive(node, network?.awsvpcConfiguration?.assignPublicIp);
  return assign === 'ENABLED' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}
