/**
 * Resolves CloudFormation intrinsics to the concrete values a deployed stack would have, for a fixed account
 * and region: pseudo parameters, `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`,
 * `Fn::If` (with the template's conditions), `Fn::FindInMap`, `Fn::Base64`, `Fn::ToJsonString`.
 *
 * A name CloudFormation generates at deploy time (a topic, an alarm, a role without a name) is synthesized the
 * way CloudFormation shapes it (`<stack>-<logical id>-<suffix>`), deterministically: every reference to the
 * resource resolves to the same value, which is all a policy comparison needs. Anything the resolver has no
 * model for (an import, a lookup, an attribute it does not know) is unresolvable, and the path that needs it
 * fails: an unresolvable value never makes a path pass.
 */
import { createHash } from 'node:crypto';
import { CfnResource, CfnTemplate, StackEnvironment } from './types';

export type Resolved<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Thrown inside the resolver; turned into `{ ok: false }` at its boundary. */
class Unresolvable extends Error {}

/** `AWS::NoValue`: removed from the list or object that holds it. */
const NO_VALUE = Symbol('AWS::NoValue');

type ResourceModel = {
  /** What `Ref` returns. */
  readonly ref?: (r: ModelContext) => string;
  /** What `Fn::GetAtt` returns, by attribute name. */
  readonly attributes?: Readonly<Record<string, (r: ModelContext) => string>>;
};

/** What a resource model may ask about the resource. */
interface ModelContext {
  readonly id: string;
  readonly env: Required<StackEnvironment>;
  /** A property, resolved (throws when unresolvable). */
  prop(name: string): unknown;
  /** The name property if the template sets it, else a CloudFormation-shaped generated name. */
  name(property: string, style?: NameStyle): string;
  /** A deterministic token of `length` characters from `alphabet`, derived from the logical id and `salt`. */
  token(salt: string, length: number, alphabet?: string): string;
  /** Resolves another value (e.g. the cluster a service names). */
  resolveString(value: unknown): string;
}

type NameStyle = 'stack' | 'lower' | 'logical';

const HEX = '0123456789abcdef';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const arn = (
  r: ModelContext,
  service: string,
  resource: string,
  region = r.env.region,
  account = r.env.account,
) => `arn:${r.env.partition}:${service}:${region}:${account}:${resource}`;

const uuid = (r: ModelContext, salt: string) =>
  `${r.token(salt, 8, HEX)}-${r.token(`${salt}2`, 4, HEX)}-4${r.token(`${salt}3`, 3, HEX)}-8${r.token(`${salt}4`, 3, HEX)}-${r.token(`${salt}5`, 12, HEX)}`;

/** The last `/`-separated part of a name or ARN. */
const lastPart = (value: string) => value.slice(value.lastIndexOf('/') + 1);

/** What `Ref` and `Fn::GetAtt` return, per resource type (the CloudFormation reference's "Return values"). */
const MODELS: Readonly<Record<string, ResourceModel>> = {
  'AWS::SNS::Topic': {
    ref: (r) => arn(r, 'sns', r.name('TopicName')),
    attributes: {
      TopicArn: (r) => arn(r, 'sns', r.name('TopicName')),
      TopicName: (r) => r.name('TopicName'),
    },
  },
  'AWS::SNS::Subscription': { ref: (r) => `${r.resolveString(r.prop('TopicArn'))}:${uuid(r, 'sub')}` },
  'AWS::SQS::Queue': {
    ref: (r) => `https://sqs.${r.env.region}.amazonaws.com/${r.env.account}/${r.name('QueueName')}`,
    attributes: {
      Arn: (r) => arn(r, 'sqs', r.name('QueueName')),
      QueueName: (r) => r.name('QueueName'),
      QueueUrl: (r) => `https://sqs.${r.env.region}.amazonaws.com/${r.env.account}/${r.name('QueueName')}`,
    },
  },
  'AWS::KMS::Key': {
    ref: (r) => uuid(r, 'key'),
    attributes: { Arn: (r) => arn(r, 'kms', `key/${uuid(r, 'key')}`), KeyId: (r) => uuid(r, 'key') },
  },
  'AWS::KMS::Alias': { ref: (r) => r.resolveString(r.prop('AliasName')) },
  'AWS::S3::Bucket': {
    ref: (r) => r.name('BucketName', 'lower'),
    attributes: {
      Arn: (r) => `arn:${r.env.partition}:s3:::${r.name('BucketName', 'lower')}`,
      DomainName: (r) => `${r.name('BucketName', 'lower')}.s3.amazonaws.com`,
      RegionalDomainName: (r) => `${r.name('BucketName', 'lower')}.s3.${r.env.region}.amazonaws.com`,
    },
  },
  'AWS::IAM::Role': {
    ref: (r) => r.name('RoleName'),
    attributes: {
      Arn: (r) => `arn:${r.env.partition}:iam::${r.env.account}:role${iamPath(r)}${r.name('RoleName')}`,
      RoleId: (r) => `AROA${r.token('roleid', 17, UPPER)}`,
    },
  },
  'AWS::IAM::ManagedPolicy': {
    ref: (r) =>
      `arn:${r.env.partition}:iam::${r.env.account}:policy${iamPath(r)}${r.name('ManagedPolicyName')}`,
    attributes: {
      PolicyArn: (r) =>
        `arn:${r.env.partition}:iam::${r.env.account}:policy${iamPath(r)}${r.name('ManagedPolicyName')}`,
    },
  },
  'AWS::IAM::Policy': { ref: (r) => r.name('PolicyName') },
  'AWS::Lambda::Function': {
    ref: (r) => r.name('FunctionName'),
    attributes: { Arn: (r) => arn(r, 'lambda', `function:${r.name('FunctionName')}`) },
  },
  'AWS::Events::Rule': {
    ref: (r) => r.name('Name'),
    attributes: { Arn: (r) => arn(r, 'events', `rule/${eventBusPrefix(r)}${r.name('Name')}`) },
  },
  'AWS::CloudWatch::Alarm': {
    ref: (r) => r.name('AlarmName'),
    attributes: { Arn: (r) => arn(r, 'cloudwatch', `alarm:${r.name('AlarmName')}`) },
  },
  'AWS::Logs::LogGroup': {
    ref: (r) => r.name('LogGroupName'),
    attributes: { Arn: (r) => arn(r, 'logs', `log-group:${r.name('LogGroupName')}:*`) },
  },
  'AWS::SecretsManager::Secret': {
    ref: (r) =>
      arn(r, 'secretsmanager', `secret:${r.name('Name', 'logical')}-${r.token('suffix', 6, MIXED)}`),
    attributes: {
      Id: (r) =>
        arn(r, 'secretsmanager', `secret:${r.name('Name', 'logical')}-${r.token('suffix', 6, MIXED)}`),
    },
  },
  // Ref of an attachment is the ARN of the secret it attaches.
  'AWS::SecretsManager::SecretTargetAttachment': { ref: (r) => r.resolveString(r.prop('SecretId')) },
  'AWS::StepFunctions::StateMachine': {
    ref: (r) => arn(r, 'states', `stateMachine:${r.name('StateMachineName')}`),
    attributes: {
      Arn: (r) => arn(r, 'states', `stateMachine:${r.name('StateMachineName')}`),
      Name: (r) => r.name('StateMachineName'),
    },
  },
  'AWS::ECS::Cluster': {
    ref: (r) => r.name('ClusterName'),
    attributes: { Arn: (r) => arn(r, 'ecs', `cluster/${r.name('ClusterName')}`) },
  },
  'AWS::ECS::Service': {
    ref: (r) => ecsServiceArn(r),
    attributes: { Name: (r) => r.name('ServiceName'), ServiceArn: (r) => ecsServiceArn(r) },
  },
  'AWS::ECS::TaskDefinition': {
    ref: (r) => arn(r, 'ecs', `task-definition/${r.name('Family')}:1`),
    attributes: { TaskDefinitionArn: (r) => arn(r, 'ecs', `task-definition/${r.name('Family')}:1`) },
  },
  'AWS::RDS::DBInstance': {
    ref: (r) => r.name('DBInstanceIdentifier', 'lower'),
    attributes: {
      DBInstanceArn: (r) => arn(r, 'rds', `db:${r.name('DBInstanceIdentifier', 'lower')}`),
      DbiResourceId: (r) => `db-${r.token('dbi', 26, UPPER)}`,
      'Endpoint.Address': (r) =>
        `${r.name('DBInstanceIdentifier', 'lower')}.${r.token('host', 12, HEX)}.${r.env.region}.rds.amazonaws.com`,
      'Endpoint.Port': (r) => String(r.prop('Port') ?? '5432'),
    },
  },
  'AWS::RDS::DBCluster': {
    ref: (r) => r.name('DBClusterIdentifier', 'lower'),
    attributes: {
      DBClusterArn: (r) => arn(r, 'rds', `cluster:${r.name('DBClusterIdentifier', 'lower')}`),
      DBClusterResourceId: (r) => `cluster-${r.token('cluster', 26, UPPER)}`,
      'Endpoint.Address': (r) =>
        `${r.name('DBClusterIdentifier', 'lower')}.cluster-${r.token('host', 12, HEX)}.${r.env.region}.rds.amazonaws.com`,
      'ReadEndpoint.Address': (r) =>
        `${r.name('DBClusterIdentifier', 'lower')}.cluster-ro-${r.token('host', 12, HEX)}.${r.env.region}.rds.amazonaws.com`,
      'Endpoint.Port': (r) => String(r.prop('Port') ?? '5432'),
    },
  },
  'AWS::RDS::DBSubnetGroup': { ref: (r) => r.name('DBSubnetGroupName', 'lower') },
  'AWS::RDS::DBParameterGroup': { ref: (r) => r.name('DBParameterGroupName', 'lower') },
  'AWS::RDS::DBClusterParameterGroup': { ref: (r) => r.name('DBClusterParameterGroupName', 'lower') },
  'AWS::RDS::EventSubscription': { ref: (r) => r.name('SubscriptionName', 'lower') },
  'AWS::Backup::BackupVault': {
    ref: (r) => r.name('BackupVaultName'),
    attributes: {
      BackupVaultName: (r) => r.name('BackupVaultName'),
      BackupVaultArn: (r) => arn(r, 'backup', `backup-vault:${r.name('BackupVaultName')}`),
    },
  },
  'AWS::Backup::BackupPlan': {
    ref: (r) => uuid(r, 'plan'),
    attributes: {
      BackupPlanId: (r) => uuid(r, 'plan'),
      BackupPlanArn: (r) => arn(r, 'backup', `backup-plan:${uuid(r, 'plan')}`),
    },
  },
  'AWS::Backup::RestoreTestingPlan': {
    ref: (r) => r.name('RestoreTestingPlanName'),
    attributes: {
      RestoreTestingPlanArn: (r) =>
        arn(r, 'backup', `restore-testing-plan:${r.name('RestoreTestingPlanName')}`),
    },
  },
  'AWS::CertificateManager::Certificate': { ref: (r) => arn(r, 'acm', `certificate/${uuid(r, 'cert')}`) },
  'AWS::WAFv2::WebACL': {
    attributes: {
      Arn: (r) => arn(r, 'wafv2', `regional/webacl/${r.name('Name')}/${uuid(r, 'acl')}`),
      Id: (r) => uuid(r, 'acl'),
    },
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    ref: (r) => arn(r, 'elasticloadbalancing', `loadbalancer/${loadBalancerFullName(r)}`),
    attributes: {
      LoadBalancerFullName: (r) => loadBalancerFullName(r),
      LoadBalancerName: (r) => r.name('Name', 'logical').slice(0, 32),
      DNSName: (r) =>
        `${r.name('Name', 'logical').slice(0, 32)}-${r.token('dns', 9, HEX)}.${r.env.region}.elb.amazonaws.com`,
      CanonicalHostedZoneID: () => 'Z32O12XQLNTSW2',
    },
  },
  'AWS::ElasticLoadBalancingV2::Listener': {
    ref: (r) => {
      const lb = r.resolveString(r.prop('LoadBalancerArn'));
      return `${lb.replace(':loadbalancer/', ':listener/')}/${r.token('listener', 16, HEX)}`;
    },
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    ref: (r) =>
      arn(
        r,
        'elasticloadbalancing',
        `targetgroup/${r.name('Name', 'logical').slice(0, 32)}/${r.token('tg', 16, HEX)}`,
      ),
    attributes: {
      TargetGroupFullName: (r) =>
        `targetgroup/${r.name('Name', 'logical').slice(0, 32)}/${r.token('tg', 16, HEX)}`,
    },
  },
  'AWS::CloudTrail::Trail': {
    ref: (r) => r.name('TrailName'),
    attributes: { Arn: (r) => arn(r, 'cloudtrail', `trail/${r.name('TrailName')}`) },
  },
  'AWS::ECR::Repository': {
    ref: (r) => r.name('RepositoryName', 'lower'),
    attributes: {
      Arn: (r) => arn(r, 'ecr', `repository/${r.name('RepositoryName', 'lower')}`),
      RepositoryUri: (r) =>
        `${r.env.account}.dkr.ecr.${r.env.region}.amazonaws.com/${r.name('RepositoryName', 'lower')}`,
    },
  },
  'AWS::EC2::VPC': {
    ref: (r) => `vpc-${r.token('vpc', 17, HEX)}`,
    attributes: {
      VpcId: (r) => `vpc-${r.token('vpc', 17, HEX)}`,
      DefaultSecurityGroup: (r) => `sg-${r.token('defaultsg', 17, HEX)}`,
      CidrBlock: (r) => String(r.prop('CidrBlock')),
    },
  },
  'AWS::EC2::Subnet': { ref: (r) => `subnet-${r.token('subnet', 17, HEX)}` },
  'AWS::EC2::SecurityGroup': {
    ref: (r) => `sg-${r.token('sg', 17, HEX)}`,
    attributes: { GroupId: (r) => `sg-${r.token('sg', 17, HEX)}` },
  },
  'AWS::EC2::FlowLog': {
    ref: (r) => `fl-${r.token('fl', 17, HEX)}`,
    attributes: { Id: (r) => `fl-${r.token('fl', 17, HEX)}` },
  },
};

function iamPath(r: ModelContext): string {
  const path = r.prop('Path');
  return typeof path === 'string' ? path : '/';
}

function eventBusPrefix(r: ModelContext): string {
  const bus = r.prop('EventBusName');
  if (bus === undefined) return '';
  const name = lastPart(r.resolveString(bus));
  return name === 'default' ? '' : `${name}/`;
}

function ecsServiceArn(r: ModelContext): string {
  const cluster = r.prop('Cluster');
  const clusterName = cluster === undefined ? 'default' : lastPart(r.resolveString(cluster));
  return arn(r, 'ecs', `service/${clusterName}/${r.name('ServiceName')}`);
}

function loadBalancerFullName(r: ModelContext): string {
  const type = r.prop('Type') === 'network' ? 'net' : 'app';
  return `${type}/${r.name('Name', 'logical').slice(0, 32)}/${r.token('lb', 16, HEX)}`;
}

/** The pseudo parameters of the stack's environment. */
function pseudoParameters(env: Required<StackEnvironment>): Record<string, string> {
  return {
    'AWS::AccountId': env.account,
    'AWS::Region': env.region,
    'AWS::Partition': env.partition,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': env.stackName,
    'AWS::StackId': `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/${env.stackName}/00000000-0000-4000-8000-000000000000`,
  };
}

export function fullEnvironment(env: StackEnvironment): Required<StackEnvironment> {
  return { partition: 'aws', stackName: 'Stack', ...env };
}

export class TemplateResolver {
  public readonly env: Required<StackEnvironment>;
  private readonly resources: Record<string, CfnResource>;
  private readonly pseudo: Record<string, string>;
  private readonly resolving = new Set<string>();
  /** Ref and Fn::GetAtt values already computed (a template is resolved many times over). */
  private readonly memo = new Map<string, string>();

  constructor(
    public readonly template: CfnTemplate,
    env: StackEnvironment,
  ) {
    this.env = fullEnvironment(env);
    this.resources = template.Resources ?? {};
    this.pseudo = pseudoParameters(this.env);
  }

  /** Resolves any value (deeply); the first unresolvable part makes the whole unresolvable. */
  public resolve(value: unknown): Resolved<unknown> {
    try {
      const resolved = this.deep(value);
      return { ok: true, value: resolved === NO_VALUE ? undefined : resolved };
    } catch (e) {
      if (e instanceof Unresolvable) return { ok: false, problem: e.message };
      throw e;
    }
  }

  /** Resolves a value that must be a string (numbers and booleans are written as CloudFormation does). */
  public resolveString(value: unknown): Resolved<string> {
    const r = this.resolve(value);
    if (!r.ok) return r;
    if (typeof r.value === 'string') return { ok: true, value: r.value };
    if (typeof r.value === 'number' || typeof r.value === 'boolean')
      return { ok: true, value: String(r.value) };
    return { ok: false, problem: `expected a string, got ${JSON.stringify(r.value)}` };
  }

  /** `Ref` of a logical id, a parameter or a pseudo parameter. */
  public ref(name: string): Resolved<string> {
    return this.resolveString({ Ref: name });
  }

  /** `Fn::GetAtt` of a logical id. */
  public getAtt(logicalId: string, attribute: string): Resolved<string> {
    return this.resolveString({ 'Fn::GetAtt': [logicalId, attribute] });
  }

  /** The resources of `type`, as [logical id, resource], in template order, skipping false conditions. */
  public resourcesOfType(type: string): [string, CfnResource][] {
    return Object.entries(this.resources).filter(([, r]) => r.Type === type && this.exists(r));
  }

  /** False when the resource's condition is false; a condition that cannot be evaluated keeps the resource. */
  private exists(resource: CfnResource): boolean {
    if (resource.Condition === undefined) return true;
    try {
      return this.condition(resource.Condition);
    } catch (e) {
      if (e instanceof Unresolvable) return true;
      throw e;
    }
  }

  public resource(logicalId: string): CfnResource | undefined {
    return this.resources[logicalId];
  }

  /**
   * The logical id a value refers to, when it is a plain `Ref` or `Fn::GetAtt` of a resource (used to tell which
   * resource a property points at without comparing strings).
   */
  public referencedId(value: unknown): string | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string' && this.resources[v.Ref]) return v.Ref;
    const att = v['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string' && this.resources[att[0]]) return att[0];
    if (typeof att === 'string' && this.resources[att.split('.')[0]]) return att.split('.')[0];
    return undefined;
  }

  /** The logical id of the resource of `type` whose `Ref` or an attribute resolves to `value`. */
  public findByValue(type: string, value: string, attributes: readonly string[] = []): string | undefined {
    for (const [id] of this.resourcesOfType(type)) {
      const ref = this.ref(id);
      if (ref.ok && ref.value === value) return id;
      for (const attribute of attributes) {
        const att = this.getAtt(id, attribute);
        if (att.ok && att.value === value) return id;
      }
    }
    return undefined;
  }

  private deep(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.deep(v)).filter((v) => v !== NO_VALUE);
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return this.intrinsic(entries[0][0], entries[0][1]);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.deep(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private str(value: unknown, where: string): string {
    const v = this.deep(value);
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Unresolvable(`${where}: expected a string, got ${JSON.stringify(v)}`);
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.refValue(this.str(arg, 'Ref'));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg)
          ? [this.str(arg[0], 'Fn::GetAtt'), this.str(arg[1], 'Fn::GetAtt')]
          : [String(arg).split('.')[0], String(arg).split('.').slice(1).join('.')];
        return this.attributeValue(id, attribute);
      }
      case 'Fn::Join': {
        const [sep, list] = arg as [unknown, unknown];
        const items = this.deep(list);
        if (!Array.isArray(items)) throw new Unresolvable('Fn::Join of a value that is not a list');
        return items.map((i) => this.str(i, 'Fn::Join')).join(this.str(sep, 'Fn::Join'));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.deep(list);
        const i = Number(this.deep(index));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new Unresolvable(`Fn::Select ${i} of ${JSON.stringify(items)}`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [unknown, unknown];
        return this.str(source, 'Fn::Split').split(this.str(sep, 'Fn::Split'));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.deep(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (arg as unknown[]).map((a) => this.str(a, 'Fn::FindInMap'));
        const found = this.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined)
          throw new Unresolvable(`Fn::FindInMap ${map}.${top}.${second} is not in the template`);
        return this.deep(found);
      }
      case 'Fn::Base64':
        return Buffer.from(this.str(arg, 'Fn::Base64')).toString('base64');
      case 'Fn::ToJsonString':
        return JSON.stringify(this.deep(arg));
      case 'Fn::Length': {
        const items = this.deep(arg);
        if (!Array.isArray(items)) throw new Unresolvable('Fn::Length of a value that is not a list');
        return items.length;
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return this.conditionValue({ [fn]: arg });
      default:
        // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, ...: values only a deployment knows.
        throw new Unresolvable(`${fn} is not resolvable before deployment`);
    }
  }

  private sub(arg: unknown): string {
    const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (vars && name in vars) return this.str(vars[name], `Fn::Sub \${${name}}`);
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, ...attribute] = name.split('.');
        return this.str(this.attributeValue(id, attribute.join('.')), `Fn::Sub ${whole}`);
      }
      return this.str(this.refValue(name), `Fn::Sub ${whole}`);
    });
  }

  private refValue(name: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in this.pseudo) return this.pseudo[name];
    if (name.startsWith('AWS::')) throw new Unresolvable(`pseudo parameter ${name} has no value here`);
    const parameter = this.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined || String(parameter.Type ?? '').startsWith('AWS::SSM::')) {
        throw new Unresolvable(`parameter ${name} has a value only at deployment`);
      }
      return parameter.Default;
    }
    const model = this.modelFor(name);
    if (!model.ref) throw new Unresolvable(`Ref of ${name} (${this.resources[name].Type}) is not modelled`);
    return this.withModel(name, model.ref, 'Ref');
  }

  private attributeValue(id: string, attribute: string): unknown {
    const model = this.modelFor(id);
    const get = model.attributes?.[attribute];
    if (!get)
      throw new Unresolvable(`Fn::GetAtt ${id}.${attribute} (${this.resources[id].Type}) is not modelled`);
    return this.withModel(id, get, attribute);
  }

  private modelFor(id: string): ResourceModel {
    const resource = this.resources[id];
    if (!resource) throw new Unresolvable(`${id} is not a resource of the template`);
    const model = MODELS[resource.Type];
    if (!model) throw new Unresolvable(`${id}: resources of type ${resource.Type} are not modelled`);
    return model;
  }

  private withModel(id: string, get: (r: ModelContext) => string, what: string): string {
    const key = `${id}|${what}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.resolving.has(id)) throw new Unresolvable(`${id} refers to itself`);
    this.resolving.add(id);
    try {
      const value = get(this.modelContext(id));
      this.memo.set(key, value);
      return value;
    } finally {
      this.resolving.delete(id);
    }
  }

  private modelContext(id: string): ModelContext {
    const props = this.resources[id].Properties ?? {};
    const token = (salt: string, length: number, alphabet = UPPER) => {
      const digest = createHash('sha256').update(`${this.env.stackName}/${id}/${salt}`).digest();
      return Array.from({ length }, (_, i) => alphabet[digest[i % digest.length] % alphabet.length]).join('');
    };
    return {
      id,
      env: this.env,
      prop: (name) => (props[name] === undefined ? undefined : this.deep(props[name])),
      name: (property, style = 'stack') => {
        const explicit = props[property];
        if (explicit !== undefined) return this.str(explicit, `${id}.${property}`);
        // CloudFormation's generated names: <stack>-<logical id>-<random>, lower case where the service wants it.
        const generated =
          style === 'logical'
            ? `${id}-${token('name', 12)}`
            : `${this.env.stackName}-${id}-${token('name', 12)}`;
        return style === 'lower' ? generated.toLowerCase().slice(0, 63) : generated;
      },
      token,
      resolveString: (value) => this.str(value, id),
    };
  }

  /** Evaluates a named condition of the template. */
  public condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Unresolvable(`condition ${name} is not in the template`);
    return this.conditionValue(definition);
  }

  private conditionValue(definition: unknown): boolean {
    const [fn, arg] = Object.entries(definition as Record<string, unknown>)[0] ?? [];
    switch (fn) {
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::Equals': {
        const [a, b] = (arg as unknown[]).map((v) => JSON.stringify(this.deep(v)));
        return a === b;
      }
      case 'Fn::And':
        return (arg as unknown[]).every((c) => this.conditionValue(c));
      case 'Fn::Or':
        return (arg as unknown[]).some((c) => this.conditionValue(c));
      case 'Fn::Not':
        return !this.conditionValue((arg as unknown[])[0]);
      default:
        throw new Unresolvable(`condition function ${fn} is not supported`);
    }
  }
}

/** A resolver for `template` in `env`. */
export function resolverFor(template: CfnTemplate, env: StackEnvironment): TemplateResolver {
  return new TemplateResolver(template, env);
}
