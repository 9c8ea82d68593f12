import { CfnResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import { NagMessageLevel, NagPack } from 'cdk-nag';
import { dnsFirewallBlocks } from '../../lib/compliance/checklist/rules/dns-firewall-blocks';
import { OutboundDnsFirewall } from '../../lib/network/dns-firewall';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';

/** Runs the rule alone, as a test-only pack. */
class DnsFirewallPack extends NagPack {
  public readonly name = 'Test';
  constructor() {
    super();
    this.packName = 'Test';
  }
  protected checkResource(node: CfnResource): void {
    this.applyRule({
      ruleSuffixOverride: 'C8-DnsFirewallBlocks',
      info: 'The VPC resolves any domain.',
      explanation: 'Outbound DNS is an allow-list.',
      level: NagMessageLevel.ERROR,
      rule: dnsFirewallBlocks,
      node,
    });
  }
}

/** The findings of the rule on a fresh stack that `build` fills: the construct paths of the resources found. */
function findings(build: (stack: Stack) => void): string[] {
  const stack = new Stack(undefined, 'Fixture');
  build(stack);
  return new DnsFirewallPack()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
}

type Rule = route53resolver.CfnFirewallRuleGroup.FirewallRuleProperty;

/** A VPC, its association, and a rule group with an allow list and `rules` (built from the two lists). */
function firewall(
  stack: Stack,
  rules: (lists: { allowed: string; every: string }) => Rule[],
  associate = true,
): void {
  const vpc = new ec2.CfnVPC(stack, 'Vpc', { cidrBlock: '10.0.0.0/16' });
  const allowed = new route53resolver.CfnFirewallDomainList(stack, 'Allowed', {
    domains: ['api.example.com'],
  });
  const every = new route53resolver.CfnFirewallDomainList(stack, 'Every', { domains: ['*'] });
  const group = new route53resolver.CfnFirewallRuleGroup(stack, 'Group', {
    firewallRules: rules({ allowed: allowed.attrId, every: every.attrId }),
  });
  if (associate) {
    new route53resolver.CfnFirewallRuleGroupAssociation(stack, 'Association', {
      firewallRuleGroupId: group.attrId,
      vpcId: vpc.ref,
      priority: 1000,
    });
  }
}

const allow = (list: string, priority = 100): Rule => ({
  priority,
  action: 'ALLOW',
  firewallDomainListId: list,
});

describe('dnsFirewallBlocks (C8-DnsFirewallBlocks)', () => {
  test('compliant: the VPC of an OutboundDnsFirewall in BLOCK mode', () => {
    expect(
      findings((s) => {
        const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [] });
        new OutboundDnsFirewall(s, 'Fw', { vpc, encryptionKey: new SeparatedDutiesKey(s, 'Key') });
      }),
    ).toEqual([]);
  });

  test('non-compliant: the VPC of an OutboundDnsFirewall in ALERT mode', () => {
    expect(
      findings((s) => {
        const vpc = new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [] });
        new OutboundDnsFirewall(s, 'Fw', {
          vpc,
          encryptionKey: new SeparatedDutiesKey(s, 'Key'),
          mode: 'ALERT',
        });
      }),
    ).toEqual(['Fixture/Vpc/Resource']);
  });

  test('compliant: the last rule, by priority and not by position, blocks a list holding *', () => {
    expect(
      findings((s) =>
        firewall(s, (l) => [
          { priority: 900, action: 'BLOCK', blockResponse: 'NXDOMAIN', firewallDomainListId: l.every },
          allow(l.allowed, 10),
        ]),
      ),
    ).toEqual([]);
  });

  test('non-compliant: no rule group associated with the VPC', () => {
    expect(
      findings((s) =>
        firewall(
          s,
          (l) => [
            allow(l.allowed),
            { priority: 900, action: 'BLOCK', blockResponse: 'NXDOMAIN', firewallDomainListId: l.every },
          ],
          false,
        ),
      ),
    ).toEqual(['Fixture/Vpc']);
  });

  test('non-compliant: the last rule only alerts', () => {
    expect(
      findings((s) =>
        firewall(s, (l) => [
          allow(l.allowed),
          { priority: 900, action: 'ALERT', firewallDomainListId: l.every },
        ]),
      ),
    ).toEqual(['Fixture/Vpc']);
  });

  test('non-compliant: the last rule allows everything', () => {
    expect(
      findings((s) =>
        firewall(s, (l) => [
          { priority: 50, action: 'BLOCK', blockResponse: 'NXDOMAIN', firewallDomainListId: l.every },
          allow(l.every, 900),
        ]),
      ),
    ).toEqual(['Fixture/Vpc']);
  });

  test('non-compliant: the last rule blocks a list without *', () => {
    expect(
      findings((s) =>
        firewall(s, (l) => [
          allow(l.every),
          { priority: 900, action: 'BLOCK', blockResponse: 'NXDOMAIN', firewallDomainListId: l.allowed },
        ]),
      ),
    ).toEqual(['Fixture/Vpc']);
  });

  test('non-compliant: a blocking rule group associated with another VPC', () => {
    expect(
      findings((s) => {
        firewall(
          s,
          (l) => [
            allow(l.allowed),
            { priority: 900, action: 'BLOCK', blockResponse: 'NXDOMAIN', firewallDomainListId: l.every },
          ],
          false,
        );
        const other = new ec2.CfnVPC(s, 'Other', { cidrBlock: '10.1.0.0/16' });
        new route53resolver.CfnFirewallRuleGroupAssociation(s, 'OtherAssociation', {
          firewallRuleGroupId: (s.node.findChild('Group') as route53resolver.CfnFirewallRuleGroup).attrId,
          vpcId: other.ref,
          priority: 1000,
        });
      }),
    ).toEqual(['Fixture/Vpc']);
  });

  test('not applicable: anything but a VPC', () => {
    expect(findings((s) => new logs.CfnLogGroup(s, 'Logs', { retentionInDays: 30 }))).toEqual([]);
  });
});
