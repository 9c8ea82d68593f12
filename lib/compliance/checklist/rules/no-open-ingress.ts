import { CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import { CfnLoadBalancer } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NagRuleCompliance, NagRuleResult, NagRules } from 'cdk-nag';
import { logicalIdOf, referencedIds, resolved, resourcesOfStack } from '../template-references';

interface IngressRule {
  ipProtocol?: unknown;
  fromPort?: unknown;
  toPort?: unknown;
  cidrIp?: unknown;
  cidrIpv6?: unknown;
}

/** The ports an internet-facing load balancer may open to the world: HTTPS, and HTTP that only redirects. */
const PUBLIC_LOAD_BALANCER_PORTS = [80, 443];

/**
 * C3: no security group admits traffic from anywhere (0.0.0.0/0 or ::/0), except a load balancer's security
 * group on TCP 80 and 443. A load balancer's security group is one that a load balancer of this stack lists.
 * Findings name each open rule: `<protocol>:<from>-<to>`.
 */
export function noOpenIngress(node: CfnResource): NagRuleResult {
  let groupIds: string[];
  let rules: IngressRule[];
  if (node instanceof CfnSecurityGroup) {
    groupIds = [logicalIdOf(node)];
    rules = resolved<IngressRule[] | undefined>(node, node.securityGroupIngress) ?? [];
  } else if (node instanceof CfnSecurityGroupIngress) {
    groupIds = referencedIds(node, node.groupId);
    rules = [
      {
        ipProtocol: node.ipProtocol,
        fromPort: node.fromPort,
        toPort: node.toPort,
        cidrIp: node.cidrIp,
        cidrIpv6: node.cidrIpv6,
      },
    ];
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const loadBalancerGroups = resourcesOfStack(node, CfnLoadBalancer).flatMap((lb) =>
    referencedIds(lb, lb.securityGroups),
  );
  const isLoadBalancerGroup = groupIds.some((id) => loadBalancerGroups.includes(id));
  const open = rules
    .filter((rule) => {
      const cidr = rule.cidrIp === undefined ? undefined : NagRules.resolveIfPrimitive(node, rule.cidrIp);
      const cidr6 =
        rule.cidrIpv6 === undefined ? undefined : NagRules.resolveIfPrimitive(node, rule.cidrIpv6);
      return cidr === '0.0.0.0/0' || cidr6 === '::/0';
    })
    .map((rule) => ({
      protocol: String(NagRules.resolveIfPrimitive(node, rule.ipProtocol)),
      from: NagRules.resolveIfPrimitive(node, rule.fromPort),
      to: NagRules.resolveIfPrimitive(node, rule.toPort),
    }))
    .filter(
      (rule) =>
        !(
          isLoadBalancerGroup &&
          rule.protocol === 'tcp' &&
          rule.from === rule.to &&
          PUBLIC_LOAD_BALANCER_PORTS.includes(rule.from as number)
        ),
    )
    .map((rule) => `${rule.protocol}:${rule.from ?? 'all'}-${rule.to ?? 'all'}`);
  return open.length > 0 ? [...new Set(open)] : NagRuleCompliance.COMPLIANT;
}
