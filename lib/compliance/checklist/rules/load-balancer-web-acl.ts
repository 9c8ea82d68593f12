import { CfnResource, Stack } from 'aws-cdk-lib';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';

/**
 * C9: an internet-facing Application Load Balancer is protected by a web ACL of the same stack that has at
 * least one managed rule group and one rate-based rule. Findings name what is missing: `web-acl`,
 * `managed-rule-group` or `rate-based-rule`.
 */
export function loadBalancerWebAcl(node: CfnResource): NagRuleResult {
  if (
    !(node instanceof CfnLoadBalancer) ||
    NagRules.resolveIfPrimitive(node, node.scheme) !== 'internet-facing' ||
    (NagRules.resolveIfPrimitive(node, node.type) ?? 'application') !== 'application'
  ) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const stack = Stack.of(node);
  const loadBalancerId = stack.resolve(node.ref) as { Ref: string };
  const association = stack.node
    .findAll()
    .find(
      (c): c is CfnWebACLAssociation =>
        c instanceof CfnWebACLAssociation &&
        JSON.stringify(stack.resolve(c.resourceArn)) === JSON.stringify(loadBalancerId),
    );
  if (!association) {
    return ['web-acl'];
  }
  const aclArn = JSON.stringify(stack.resolve(association.webAclArn));
  const acl = stack.node
    .findAll()
    .find(
      (c): c is CfnWebACL => c instanceof CfnWebACL && JSON.stringify(stack.resolve(c.attrArn)) === aclArn,
    );
  if (!acl) {
    // A web ACL managed outside the stack: its rules cannot be seen at synth.
    return ['web-acl'];
  }
  const statements = JSON.stringify(stack.resolve(acl.rules) ?? []);
  const missing: string[] = [];
  if (!statements.includes('"managedRuleGroupStatement"')) missing.push('managed-rule-group');
  if (!statements.includes('"rateBasedStatement"')) missing.push('rate-based-rule');
  return missing.length > 0 ? missing : NagRuleCompliance.COMPLIANT;
}
