import { CfnResource } from 'aws-cdk-lib';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { logicalIdOf, refersTo, resourcesOfStack } from '../template-references';

/** C10: every web ACL has a logging configuration of the same stack, the record of what it blocked and why. */
export function webAclLogging(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnWebACL)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const id = logicalIdOf(node);
  return resourcesOfStack(node, CfnLoggingConfiguration).some((l) => refersTo(l, l.resourceArn, id))
    ? NagRuleCompliance.COMPLIANT
    : NagRuleCompliance.NON_COMPLIANT;
}
