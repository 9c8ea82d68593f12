import {
  asList,
  CfnTemplate,
  DeployTimeFinding,
  finding,
  propsOf,
  referencedId,
  resourcesOfType,
} from '../template';

/** The default quota of inbound, and separately of outbound, rules per security group (IPv4 and IPv6 each). */
export const MAX_RULES_PER_DIRECTION = 60;

type Rule = Record<string, unknown>;

/** The rules of group `groupId` in one direction: inline ones plus standalone ones that name the group. */
function rulesOf(template: CfnTemplate, groupId: string, inline: unknown, standaloneType: string): Rule[] {
  const standalone = resourcesOfType(template, standaloneType)
    .map(([, r]) => propsOf(r))
    .filter((r) => referencedId(r.GroupId) === groupId);
  return [...(asList(inline) as Rule[]), ...standalone];
}

/** How many rules count against the IPv4 and the IPv6 quota: a rule naming a group or prefix list counts in both. */
function counts(rules: Rule[]): { ipv4: number; ipv6: number } {
  return {
    ipv4: rules.filter((r) => r.CidrIpv6 === undefined).length,
    ipv6: rules.filter((r) => r.CidrIp === undefined).length,
  };
}

/** A security group has no more inbound, nor outbound, rules than the default quota. */
export function securityGroupRuleQuota(template: CfnTemplate): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::EC2::SecurityGroup').flatMap(([id, resource]) => {
    const props = propsOf(resource);
    const directions = [
      ['inbound', rulesOf(template, id, props.SecurityGroupIngress, 'AWS::EC2::SecurityGroupIngress')],
      ['outbound', rulesOf(template, id, props.SecurityGroupEgress, 'AWS::EC2::SecurityGroupEgress')],
    ] as const;
    return directions.flatMap(([direction, rules]) => {
      const { ipv4, ipv6 } = counts(rules);
      return [
        ...(ipv4 > MAX_RULES_PER_DIRECTION ? [`${ipv4} ${direction} IPv4 rules`] : []),
        ...(ipv6 > MAX_RULES_PER_DIRECTION ? [`${ipv6} ${direction} IPv6 rules`] : []),
      ].map((what) => finding(id, `has ${what}; the default quota is ${MAX_RULES_PER_DIRECTION}`));
    });
  });
}
