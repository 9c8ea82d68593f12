import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AlertTopic, LogEncryptionKey, OutboundDnsFirewall, SchedulingNetwork } from '../../lib';
import { testStack } from '../support/app';
import { openFindings, PACKS } from '../support/packs';

describe('SchedulingNetwork', () => {
  let template: Template;
  let network: SchedulingNetwork;

  beforeAll(() => {
    const stack = testStack();
    network = new SchedulingNetwork(stack, 'Network', { availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
    template = Template.fromStack(stack);
  });

  describe('subnets', () => {
    test('three tiers in each of the two named zones', () => {
      template.resourceCountIs('AWS::EC2::Subnet', 6);
      for (const az of ['eu-west-1a', 'eu-west-1b']) {
        template.resourcePropertiesCountIs('AWS::EC2::Subnet', { AvailabilityZone: az }, 3);
      }
    });

    test('no subnet assigns public IPs on launch', () => {
      template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 6);
    });

    test('only the ingress subnets route to the internet gateway', () => {
      const routes = template.findResources('AWS::EC2::Route', {
        Properties: { GatewayId: Match.anyValue() },
      });
      expect(Object.keys(routes)).toHaveLength(2);
      for (const id of Object.keys(routes)) {
        expect(id).toMatch(/IngressSubnet/);
      }
    });

    test('app subnets go out through one NAT gateway per zone, data subnets have no default route', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 2);
      const natRoutes = template.findResources('AWS::EC2::Route', {
        Properties: { NatGatewayId: Match.anyValue() },
      });
      expect(Object.keys(natRoutes).every((id) => /AppSubnet/.test(id))).toBe(true);
      const dataRoutes = Object.keys(template.findResources('AWS::EC2::Route')).filter((id) =>
        /DataSubnet/.test(id),
      );
      expect(dataRoutes).toEqual([]);
    });
  });

  describe('default security group', () => {
    test('is stripped of its rules', () => {
      template.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: {
          'Fn::GetAtt': [Match.stringLikeRegexp('NetworkVpc'), 'DefaultSecurityGroup'],
        },
      });
    });
  });

  describe('flow logs', () => {
    test('record all traffic into an encrypted log group with a retention limit', () => {
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
      });
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 90, KmsKeyId: Match.anyValue() },
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    test('are delivered by a role whose permissions are a managed policy, not inline', () => {
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: Match.arrayWith(['logs:CreateLogStream', 'logs:PutLogEvents']) }),
          ]),
        },
      });
    });

    test('the new log key rotates and is kept on deletion', () => {
      template.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('endpoints', () => {
    test('an S3 gateway endpoint by default, and no interface endpoints', () => {
      template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 1);
      template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
    });

    test('interface endpoints on request, HTTPS from the VPC range only, and still compliant', () => {
      const stack = testStack();
      const network = new SchedulingNetwork(stack, 'Network', { interfaceEndpoints: true, natGateways: 0 });
      // Outbound DNS an allow-list, as the stack adds it (checklist C8).
      new OutboundDnsFirewall(stack, 'DnsFirewall', {
        vpc: network.vpc,
        encryptionKey: new LogEncryptionKey(stack, 'LogKey').key,
        alerts: new AlertTopic(stack, 'Alerts'),
      });
      const t = Template.fromStack(stack);
      t.resourcePropertiesCountIs(
        'AWS::EC2::VPCEndpoint',
        { VpcEndpointType: 'Interface', PrivateDnsEnabled: true },
        4,
      );
      t.resourceCountIs('AWS::EC2::NatGateway', 0);
      t.resourcePropertiesCountIs(
        'AWS::EC2::SecurityGroup',
        {
          SecurityGroupIngress: [Match.objectLike({ FromPort: 443, ToPort: 443, CidrIp: '10.20.0.0/16' })],
          SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
        },
        1,
      );
      for (const [, pack] of PACKS) {
        expect(openFindings(pack(), stack)).toEqual([]);
      }
    });
  });

  describe('default security group custom resource', () => {
    test('logs into a log group made beforehand, with retention and key', () => {
      const logGroups = template.findResources('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: {
            'Fn::Join': ['', ['/aws/lambda/', { Ref: Match.stringLikeRegexp('CustomVpcRestrictDefaultSG') }]],
          },
        },
      });
      const [id] = Object.keys(logGroups);
      expect(logGroups[id].Properties).toMatchObject({ RetentionInDays: 90, KmsKeyId: expect.anything() });
      template.hasResource('Custom::VpcRestrictDefaultSG', { DependsOn: Match.arrayWith([id]) });
    });
  });

  test('exposes the subnet selections of each tier', () => {
    expect(network.vpc.selectSubnets(network.appSubnets).subnets).toHaveLength(2);
    expect(network.vpc.selectSubnets(network.dataSubnets).subnets).toHaveLength(2);
    expect(network.vpc.selectSubnets(network.ingressSubnets).subnets).toHaveLength(2);
  });

  describe('validation', () => {
    test('throws when fewer than two availability zones are named', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { availabilityZones: ['eu-west-1a'] })).toThrow(
        /`availabilityZones` must name at least 2 zones.*eu-west-1a/,
      );
    });

    test('throws when natGateways exceeds the zone count', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { natGateways: 3 })).toThrow(
        /`natGateways` must be.*0 and 2.*got 3/,
      );
    });

    test('throws when natGateways is 0 without interface endpoints', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { natGateways: 0 })).toThrow(
        /`natGateways` is 0.*`interfaceEndpoints: true`/,
      );
    });

    test('throws when flow logs would be kept forever', () => {
      expect(
        () => new SchedulingNetwork(testStack(), 'N', { flowLogRetention: logs.RetentionDays.INFINITE }),
      ).toThrow(/`flowLogRetention` must be at most 400 days.*INFINITE/);
    });

    test('throws when the CIDR is malformed', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { cidr: '10.0.0.0/8' })).toThrow(
        /`cidr`.*got '10.0.0.0\/8'/,
      );
    });

    test('throws when the CIDR cannot hold the subnet tiers of the zones', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { cidr: '10.0.0.0/21' })).toThrow(
        /`cidr` must be an IPv4 range with a prefix between \/16 and \/20 \(room for the three subnet tiers in 2 zones\), got '10.0.0.0\/21'/,
      );
      expect(() => new SchedulingNetwork(testStack(), 'N', { cidr: '10.0.0.0/20' })).not.toThrow();
    });

    test('reports every problem at once, with the construct path', () => {
      expect(() => new SchedulingNetwork(testStack(), 'N', { natGateways: 5, cidr: 'x' })).toThrow(
        /Test\/N: 2 problems:\n {2}- `natGateways`[^\n]*\n {2}- `cidr`/,
      );
    });
  });
});
