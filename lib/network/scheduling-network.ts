import { CfnResource, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LogEncryptionKey } from '../audit/log-encryption-key';
import { acknowledge } from '../compliance/acknowledgements';
import {
  DEFAULT_LOG_RETENTION,
  DEFAULT_VPC_CIDR,
  ISOLATED_SUBNET_CIDR_MASK,
  PRIVATE_SUBNET_CIDR_MASK,
  PUBLIC_SUBNET_CIDR_MASK,
} from '../private/defaults';
import { ManagedPolicyRole } from '../private/managed-policy-role';
import { sourceScopedPrincipal } from '../private/service-trust';
import { Problems } from '../private/problems';

/** Names of the three subnet tiers, also used as `subnetGroupName` when selecting subnets. */
export const SubnetTier = {
  /** Public subnets: the load balancer and the NAT gateways only. */
  INGRESS: 'Ingress',
  /** Private subnets with egress through NAT: the app tasks. */
  APP: 'App',
  /** Isolated subnets, no route to or from the internet: the database. */
  DATA: 'Data',
} as const;

export interface SchedulingNetworkProps {
  /**
   * Availability zones to span, by name (e.g. `['eu-west-1a', 'eu-west-1b']`). Named explicitly so that synth
   * never asks AWS which zones exist. At least two.
   * @default - the first two of the stack's availability zones
   */
  readonly availabilityZones?: string[];

  /**
   * IPv4 range of the VPC.
   * @default '10.20.0.0/16'
   */
  readonly cidr?: string;

  /**
   * NAT gateways for the app subnets' outbound HTTPS. Fewer than one per zone saves cost but an outage of the
   * zone holding the NAT gateway cuts every task off. `0` makes the app subnets isolated, which requires
   * `interfaceEndpoints` so that tasks can still pull images, read secrets and write logs.
   * @default - one per availability zone
   */
  readonly natGateways?: number;

  /**
   * Create VPC interface endpoints for Secrets Manager, ECR (API and Docker) and CloudWatch Logs, so that
   * this traffic never leaves the AWS network. Each endpoint costs an hourly fee per zone (see docs/cost.md).
   * @default false
   */
  readonly interfaceEndpoints?: boolean;

  /**
   * Create an S3 gateway endpoint (free of charge; container image layers come from S3).
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;

  /**
   * How long VPC flow logs are kept (checklist C7).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * Key that encrypts the flow log group.
   * @default - a new KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A VPC in three tiers over two or more named availability zones: public subnets for the load balancer only
 * (no automatic public IPs), private subnets for the app, isolated subnets for the database. The default
 * security group allows nothing, and every flow is logged with a retention limit (checklist C3, C5, C10).
 */
export class SchedulingNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** Log group that receives the VPC flow logs. */
  public readonly flowLogGroup: logs.LogGroup;
  /** The flow log. */
  public readonly flowLog: ec2.FlowLog;
  /** Subnets of the load balancer. */
  public readonly ingressSubnets: ec2.SubnetSelection;
  /** Subnets of the app tasks. */
  public readonly appSubnets: ec2.SubnetSelection;
  /** Subnets of the database: no route to or from the internet. */
  public readonly dataSubnets: ec2.SubnetSelection;

  private readonly cidr: string;

  constructor(scope: Construct, id: string, props: SchedulingNetworkProps = {}) {
    super(scope, id);

    const availabilityZones = props.availabilityZones ?? Stack.of(this).availabilityZones.slice(0, 2);
    // One NAT gateway per zone by default: losing a zone does not cut the app off from the APIs it calls.
    const natGateways = props.natGateways ?? availabilityZones.length;
    const interfaceEndpoints = props.interfaceEndpoints ?? false;
    const flowLogRetention = props.flowLogRetention ?? DEFAULT_LOG_RETENTION;

    const problems = new Problems();
    problems.check(
      availabilityZones.length < 2,
      `\`availabilityZones\` must name at least 2 zones so the app survives a zone outage, got [${availabilityZones.join(', ')}]`,
    );
    problems.check(
      new Set(availabilityZones).size !== availabilityZones.length,
      `\`availabilityZones\` must not repeat a zone, got [${availabilityZones.join(', ')}]`,
    );
    problems.range('natGateways', natGateways, 0, availabilityZones.length);
    problems.check(
      natGateways === 0 && !interfaceEndpoints,
      '`natGateways` is 0, which leaves the app subnets without any route out: set `interfaceEndpoints: true` so tasks can pull images, read secrets and write logs',
    );
    problems.retention('flowLogRetention', flowLogRetention);
    const cidr = props.cidr ?? DEFAULT_VPC_CIDR;
    const longestPrefix = longestPrefixFor(availabilityZones.length);
    problems.check(
      !Token.isUnresolved(cidr) &&
        !(
          /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr) &&
          prefixOf(cidr) >= 16 &&
          prefixOf(cidr) <= longestPrefix
        ),
      `\`cidr\` must be an IPv4 range with a prefix between /16 and /${longestPrefix} (room for the three subnet tiers in ${availabilityZones.length} zones), got '${cidr}'`,
    );
    problems.throwIfAny(this);
    this.cidr = cidr;

    const appSubnetType =
      natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      availabilityZones,
      natGateways,
      natGatewaySubnets: { subnetGroupName: SubnetTier.INGRESS },
      // No task, database or instance ever gets a public IP by accident.
      subnetConfiguration: [
        {
          name: SubnetTier.INGRESS,
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: PUBLIC_SUBNET_CIDR_MASK,
          mapPublicIpOnLaunch: false,
        },
        { name: SubnetTier.APP, subnetType: appSubnetType, cidrMask: PRIVATE_SUBNET_CIDR_MASK },
        {
          name: SubnetTier.DATA,
          subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: ISOLATED_SUBNET_CIDR_MASK,
        },
      ],
      // Removes every rule from the default security group, so nothing can be placed in it and reached.
      restrictDefaultSecurityGroup: true,
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });

    acknowledge(this.vpc, 'namedAvailabilityZones');
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        acknowledge(route, 'publicSubnetRoute');
      }
    }

    this.ingressSubnets = { subnetGroupName: SubnetTier.INGRESS };
    this.appSubnets = { subnetGroupName: SubnetTier.APP };
    this.dataSubnets = { subnetGroupName: SubnetTier.DATA };

    const encryptionKey =
      props.encryptionKey ??
      new LogEncryptionKey(this, 'FlowLogKey', { description: 'Encrypts VPC flow logs' }).key;
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: flowLogRetention,
      encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc),
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        this.flowLogGroup,
        new ManagedPolicyRole(this, 'FlowLogRole', {
          assumedBy: sourceScopedPrincipal(this, 'vpc-flow-logs.amazonaws.com'),
          description: 'Delivers VPC flow logs to their log group',
        }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.limitDefaultSecurityGroupLogs(flowLogRetention, encryptionKey);

    if (props.s3GatewayEndpoint ?? true) {
      this.vpc.addGatewayEndpoint('S3Endpoint', {
        service: ec2.GatewayVpcEndpointAwsService.S3,
        subnets: [this.appSubnets],
      });
    }
    if (interfaceEndpoints) {
      this.addInterfaceEndpoints();
    }
  }

  /**
   * The custom resource that empties the default security group runs a Lambda function whose log group
   * Lambda would create with no retention; create it first, with the stack's retention and key (checklist C7).
   */
  private limitDefaultSecurityGroupLogs(retention: logs.RetentionDays, encryptionKey: kms.IKey): void {
    const restrict = this.vpc.node.tryFindChild('RestrictDefaultSecurityGroupCustomResource');
    const provider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const handler = provider?.node.tryFindChild('Handler') as CfnResource | undefined;
    if (!restrict || !handler) {
      return;
    }
    // One provider function serves every VPC of the stack, so its log group is a stack-level singleton too.
    const stack = Stack.of(this);
    const id = 'VpcRestrictDefaultSGLogGroup';
    const logGroup =
      (stack.node.tryFindChild(id) as logs.LogGroup | undefined) ??
      new logs.LogGroup(stack, id, {
        logGroupName: `/aws/lambda/${handler.ref}`,
        retention,
        encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    restrict.node.addDependency(logGroup);
  }

  private addInterfaceEndpoints(): void {
    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManagerEndpoint: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      EcrApiEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDockerEndpoint: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      LogsEndpoint: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    };
    // Endpoints answer connections, they never open one: no egress at all, HTTPS in from the VPC only.
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'VPC interface endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    });
    // The literal range, not the VPC's CIDR attribute: rule checkers cannot judge a value known only at deploy.
    securityGroup.addIngressRule(ec2.Peer.ipv4(this.cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const [id, service] of Object.entries(services)) {
      this.vpc.addInterfaceEndpoint(id, {
        service,
        subnets: this.appSubnets,
        privateDnsEnabled: true,
        securityGroups: [securityGroup],
        open: false,
      });
    }
  }
}

function prefixOf(cidr: string): number {
  return Number(cidr.split('/')[1]);
}

/**
 * The longest VPC prefix that still holds the three tiers in `zones` zones, allocated the way the VPC does:
 * in tier order, each subnet aligned to its own size.
 */
function longestPrefixFor(zones: number): number {
  let next = 0;
  for (const mask of [PUBLIC_SUBNET_CIDR_MASK, PRIVATE_SUBNET_CIDR_MASK, ISOLATED_SUBNET_CIDR_MASK]) {
    const size = 2 ** (32 - mask);
    for (let i = 0; i < zones; i++) {
      next = Math.ceil(next / size) * size + size;
    }
  }
  return 32 - Math.ceil(Math.log2(next));
}
