import { CfnResource } from 'aws-cdk-lib';
import { CfnFlowLog, CfnVPC } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, refersTo, resourcesOfStack } from '../template-references';

/** C10: every VPC has a flow log of the same stack, the record of which addresses talked to which. */
export function vpcFlowLogs(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnVPC)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  return resourcesOfStack(node, CfnFlowLog).some((f) => refersTo(f, f.resourceId, id))
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
