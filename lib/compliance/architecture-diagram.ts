import { ChecklistItem } from './acknowledgements';
import { TemplateResources } from './assembly-resources';
import { CHECKLIST_ITEMS } from './checklist/checklist-items';
import { checklistItemOf } from './checklist-verdicts';
import { OutcomeStatus, RuleOutcome } from './rule-outcomes';

/** The tiers of a scheduling deployment, as the picture groups its elements. */
export type ArchitectureTier = 'edge' | 'app' | 'data' | 'audit';

/** How each tier is named in the picture's legend. */
export const ARCHITECTURE_TIERS: Readonly<Record<ArchitectureTier, string>> = {
  edge: 'Edge tier',
  app: 'App tier',
  data: 'Data tier',
  audit: 'Audit tier',
};

export interface ArchitectureOptions {
  /** A heading drawn in the picture, e.g. the stack's name. */
  readonly title?: string;
  /** The stack's region, named on the region's boundary. */
  readonly region?: string;
  /**
   * The construct path of each resource, by logical id.
   * @default - each resource's `aws:cdk:path` metadata in the template
   */
  readonly paths?: ReadonlyMap<string, string>;
  /**
   * The outcomes of the compliance packs: each element carries a badge per checklist item whose rules judged
   * its resources, coloured by the worst outcome.
   * @default - no badges
   */
  readonly outcomes?: readonly RuleOutcome[];
  /**
   * A prefix for the ids inside the picture, so that several pictures can share one page.
   * @default 'arch'
   */
  readonly idPrefix?: string;
}

/** A column of the picture: the internet, the region outside the VPC, then the VPC's subnet tiers. */
type Column = 'internet' | 'region' | 'public' | 'private' | 'isolated';
type SubnetColumn = 'public' | 'private' | 'isolated';

/** What an element of the picture stands for in a template. */
interface ElementKind {
  readonly key: string;
  readonly tier?: ArchitectureTier;
  /** The types whose presence draws the element (any of them). */
  readonly types: readonly string[];
  /** Further types whose resources belong to it. */
  readonly members?: readonly string[];
  readonly label: string;
  readonly detail: (resources: readonly Resource[]) => string;
  /** Where it is drawn when its subnets do not say otherwise; `below` elements sit under the VPC. */
  readonly column: Column;
  /** `boundary`: not a box of its own; its badges sit on the VPC's boundary. */
  readonly row: 'vpc' | 'services' | 'audit' | 'boundary';
  /** The subnets the element's main resource is placed in, as template values. */
  readonly subnets?: (resource: Resource, template: TemplateResources) => unknown;
}

interface Resource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

const count = (resources: readonly Resource[], type: string) =>
  resources.filter((r) => r.type === type).length;
const times = (n: number, what: string) => (n > 1 ? `${what}, ${n}` : what);

const ELEMENTS: readonly ElementKind[] = [
  {
    // First, so that what a network construct makes besides its NAT gateways (flow logs, routes) is the VPC's.
    key: 'vpc',
    types: ['AWS::EC2::VPC'],
    members: [
      'AWS::EC2::Subnet',
      'AWS::EC2::RouteTable',
      'AWS::EC2::Route',
      'AWS::EC2::SubnetRouteTableAssociation',
      'AWS::EC2::InternetGateway',
      'AWS::EC2::VPCGatewayAttachment',
      'AWS::EC2::FlowLog',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::NetworkAcl',
      'AWS::EC2::NetworkAclEntry',
      'AWS::EC2::SubnetNetworkAclAssociation',
      'Custom::VpcRestrictDefaultSG',
    ],
    label: 'VPC',
    detail: () => '',
    column: 'public',
    row: 'boundary',
  },
  {
    key: 'waf',
    tier: 'edge',
    types: ['AWS::WAFv2::WebACL'],
    members: ['AWS::WAFv2::WebACLAssociation', 'AWS::WAFv2::LoggingConfiguration'],
    label: 'WAF web ACL',
    detail: () => 'AWS WAF',
    column: 'region',
    row: 'vpc',
  },
  {
    key: 'signin',
    tier: 'edge',
    types: ['AWS::Cognito::UserPool'],
    members: ['AWS::Cognito::UserPoolClient', 'AWS::Cognito::UserPoolDomain', 'AWS::Cognito::UserPoolGroup'],
    label: 'Operator sign-in',
    detail: () => 'Cognito user pool',
    column: 'region',
    row: 'vpc',
  },
  {
    key: 'alb',
    tier: 'edge',
    types: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
    members: [
      'AWS::ElasticLoadBalancingV2::Listener',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancingV2::ListenerCertificate',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::CertificateManager::Certificate',
    ],
    label: 'Load balancer',
    detail: (rs) =>
      rs.some(
        (r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && r.properties.Type === 'network',
      )
        ? 'NLB'
        : times(count(rs, 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 'ALB'),
    column: 'public',
    row: 'vpc',
    subnets: (r) => r.properties.Subnets ?? r.properties.SubnetMappings,
  },
  {
    key: 'service',
    tier: 'app',
    types: ['AWS::ECS::Service'],
    members: [
      'AWS::ECS::TaskDefinition',
      'AWS::ECS::Cluster',
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'AWS::ApplicationAutoScaling::ScalingPolicy',
      'AWS::ECR::Repository',
      'AWS::ECR::PullThroughCacheRule',
      'AWS::ECR::RepositoryCreationTemplate',
    ],
    label: 'App tasks',
    detail: (rs) =>
      times(
        count(rs, 'AWS::ECS::Service'),
        rs.some((r) => r.type === 'AWS::ECS::Service' && r.properties.LaunchType === 'FARGATE')
          ? 'ECS on Fargate'
          : 'ECS service',
      ),
    column: 'private',
    row: 'vpc',
    subnets: (r) =>
      (r.properties.NetworkConfiguration as NetworkConfiguration | undefined)?.AwsvpcConfiguration?.Subnets,
  },
  {
    key: 'db',
    tier: 'data',
    types: ['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'],
    members: [
      'AWS::RDS::DBSubnetGroup',
      'AWS::RDS::DBParameterGroup',
      'AWS::RDS::DBClusterParameterGroup',
      'AWS::RDS::EventSubscription',
      'AWS::RDS::DBProxy',
    ],
    label: 'Database',
    detail: (rs) => {
      const main = rs.find((r) => r.type === 'AWS::RDS::DBCluster') ?? rs[0];
      const engine = String(main.properties.Engine ?? '');
      const name = /postgres/.test(engine) ? 'PostgreSQL' : /mysql/.test(engine) ? 'MySQL' : '';
      return main.type === 'AWS::RDS::DBCluster' ? `Aurora ${name}`.trim() : `RDS ${name}`.trim();
    },
    column: 'isolated',
    row: 'vpc',
    subnets: (r, template) => {
      const group = refOf(r.properties.DBSubnetGroupName);
      return group ? template.Resources?.[group]?.Properties?.SubnetIds : undefined;
    },
  },
  {
    key: 'nat',
    tier: 'app',
    types: ['AWS::EC2::NatGateway'],
    members: ['AWS::EC2::EIP'],
    label: 'NAT gateway',
    detail: (rs) => times(count(rs, 'AWS::EC2::NatGateway'), 'egress'),
    column: 'public',
    row: 'vpc',
    subnets: (r) => [r.properties.SubnetId],
  },
  {
    key: 'dnsfw',
    tier: 'app',
    types: ['AWS::Route53Resolver::FirewallRuleGroupAssociation'],
    members: [
      'AWS::Route53Resolver::FirewallRuleGroup',
      'AWS::Route53Resolver::FirewallDomainList',
      'AWS::Route53Resolver::ResolverQueryLoggingConfig',
      'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation',
    ],
    label: 'DNS firewall',
    detail: () => 'Route 53 Resolver',
    column: 'private',
    row: 'vpc',
  },
  {
    key: 'vault',
    tier: 'data',
    types: ['AWS::Backup::BackupVault'],
    members: [
      'AWS::Backup::BackupPlan',
      'AWS::Backup::BackupSelection',
      'AWS::Backup::RestoreTestingPlan',
      'AWS::Backup::RestoreTestingSelection',
    ],
    label: 'Backup vault',
    detail: () => 'AWS Backup',
    column: 'isolated',
    row: 'services',
  },
  {
    key: 'trail',
    tier: 'audit',
    types: ['AWS::CloudTrail::Trail'],
    label: 'Activity trail',
    detail: () => 'CloudTrail',
    column: 'region',
    row: 'audit',
  },
  {
    key: 'alarms',
    tier: 'audit',
    types: ['AWS::CloudWatch::Alarm'],
    members: ['AWS::Logs::MetricFilter', 'AWS::CloudWatch::Dashboard'],
    label: 'Alarms',
    detail: (rs) => times(count(rs, 'AWS::CloudWatch::Alarm'), 'CloudWatch'),
    column: 'public',
    row: 'audit',
  },
  {
    key: 'topic',
    tier: 'audit',
    types: ['AWS::SNS::Topic'],
    members: ['AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy'],
    label: 'Alert topic',
    detail: (rs) => times(count(rs, 'AWS::SNS::Topic'), 'SNS'),
    column: 'private',
    row: 'audit',
  },
  {
    key: 'rules',
    tier: 'audit',
    types: ['AWS::Events::Rule'],
    label: 'Event rules',
    detail: (rs) => times(count(rs, 'AWS::Events::Rule'), 'EventBridge'),
    column: 'isolated',
    row: 'audit',
  },
];

interface NetworkConfiguration {
  readonly AwsvpcConfiguration?: { readonly Subnets?: unknown };
}

/** A flow of the picture: from an element to another, of a kind that gives its line style. */
interface Flow {
  readonly from: string;
  readonly to: string;
  readonly kind: FlowKind;
  readonly what: string;
}
type FlowKind = 'request' | 'egress' | 'backup' | 'alert';

const FLOW_STYLES: Readonly<Record<FlowKind, { colour: string; dash?: string; legend: string }>> = {
  request: { colour: '#24292f', legend: 'request path' },
  egress: { colour: '#0969da', dash: '6 4', legend: 'outbound, DNS-filtered' },
  backup: { colour: '#1a7f37', dash: '6 4', legend: 'backup' },
  alert: { colour: '#9a6700', dash: '2 3', legend: 'alerts' },
};

const TIER_COLOURS: Readonly<Record<ArchitectureTier, string>> = {
  edge: '#8250df',
  app: '#0969da',
  data: '#1a7f37',
  audit: '#9a6700',
};

type BadgeStatus = 'passed' | 'acknowledged' | 'open';
const BADGE_COLOURS: Readonly<Record<BadgeStatus, { fill: string; stroke: string }>> = {
  passed: { fill: '#dafbe1', stroke: '#1a7f37' },
  acknowledged: { fill: '#fff8c5', stroke: '#9a6700' },
  open: { fill: '#ffebe9', stroke: '#cf222e' },
};

const SUBNET_COLUMNS: readonly SubnetColumn[] = ['public', 'private', 'isolated'];
const SUBNET_LABELS: Readonly<Record<SubnetColumn, string>> = {
  public: 'Public subnets',
  private: 'Private subnets',
  isolated: 'Isolated subnets',
};
/** The value of the tag the CDK puts on each subnet of a VPC it creates. */
const SUBNET_TYPE_TAG = 'aws-cdk:subnet-type';

// The grid, in pixels: columns left to right, rows top to bottom.
const WIDTH = 1000;
const COLUMN_X: Readonly<Record<Column, number>> = {
  internet: 24,
  region: 186,
  public: 398,
  private: 594,
  isolated: 790,
};
const ELEMENT_WIDTH = 170;
const USERS_WIDTH = 126;
const ELEMENT_HEIGHT = 88;
const ROW_PITCH = 104;
const REGION_TOP = 40;
const VPC_TOP = 74;
const ZONE_TOP = VPC_TOP + 28;
const FIRST_ROW = ZONE_TOP + 30;
const BADGES_PER_LINE = 5;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface Element {
  readonly key: string;
  readonly tier?: ArchitectureTier;
  readonly label: string;
  readonly detail: string;
  readonly box: Box;
  readonly title: string;
  readonly badges: readonly Badge[];
}

interface Badge {
  readonly item: ChecklistItem;
  readonly status: BadgeStatus;
  readonly title: string;
}

/**
 * The architecture of a synthesized stack as an inline SVG picture: its tiers (edge, app, data, audit), the
 * trust boundaries its resources sit in (the internet, the region, the VPC's public, private and isolated
 * subnets), the data flows between them, and, as C1..C10 badges on each element, the checklist items whose
 * rules judged its resources. Only what the template holds is drawn: a tier the stack lacks is left out. The
 * same template and outcomes always give the same picture; it needs nothing outside itself (no scripts, fonts
 * or images). Undefined when the template holds none of the elements the picture knows.
 */
export function architectureSvg(
  template: TemplateResources,
  options: ArchitectureOptions = {},
): string | undefined {
  const prefix = (options.idPrefix ?? 'arch').replace(/[^A-Za-z0-9_-]/g, '-');
  const resources: Resource[] = Object.entries(template.Resources ?? {}).map(([logicalId, r]) => ({
    logicalId,
    type: r.Type,
    properties: r.Properties ?? {},
  }));
  const subnetColumns = subnetColumnsOf(resources);
  const kinds = ELEMENTS.filter((kind) => resources.some((r) => kind.types.includes(r.type)));
  if (kinds.length === 0) return undefined;

  // Which element each resource belongs to: by type, then by the construct it was made in.
  const pathOf = (r: Resource) =>
    options.paths?.get(r.logicalId) ??
    (template.Resources?.[r.logicalId]?.Metadata?.['aws:cdk:path'] as string | undefined);
  const owner = ownersOf(resources, kinds, pathOf);
  const judged = judgementsByElement(resources, owner, pathOf, options.outcomes ?? []);

  // Placement: each element in its column (its subnets' when they are known), on the first free row.
  const taken = new Set<string>();
  const place = (column: Column, row: number): number => {
    let free = row;
    while (taken.has(`${column}:${free}`)) free++;
    taken.add(`${column}:${free}`);
    return free;
  };
  const placed = new Map<string, { column: Column; row: number; kind?: ElementKind }>();
  const vpcKinds = kinds.filter((k) => k.row === 'vpc');
  const vpcBadges = judged.get('vpc') ?? [];
  for (const kind of vpcKinds) {
    const main = resources.find((r) => kind.types.includes(r.type)) as Resource;
    const column =
      (kind.subnets && columnOfSubnets(kind.subnets(main, template), subnetColumns)) || kind.column;
    const preferred = ['nat', 'dnsfw', 'signin'].includes(kind.key) ? 1 : 0;
    placed.set(kind.key, { column, row: place(column, preferred), kind });
  }
  const alb = resources.find((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const internetFacing = kinds.some((k) => k.key === 'waf') || (alb && alb.properties.Scheme !== 'internal');
  if (internetFacing) placed.set('users', { column: 'internet', row: 0 });
  const vpcRows = Math.max(0, ...[...placed.values()].map((p) => p.row + 1));
  const inVpc = [...placed.values()].filter((p) => SUBNET_COLUMNS.includes(p.column as SubnetColumn));
  const drawVpc = inVpc.length > 0 || resources.some((r) => r.type === 'AWS::EC2::VPC');
  const rowsInVpc = Math.max(vpcRows, drawVpc ? 1 : 0);
  const vpcBottom = FIRST_ROW + rowsInVpc * ROW_PITCH - ROW_PITCH + ELEMENT_HEIGHT + 22;
  const natPresent = kinds.some((k) => k.key === 'nat');
  const servicesKinds = kinds.filter((k) => k.row === 'services');
  const auditKinds = kinds.filter((k) => k.row === 'audit');
  let y = (rowsInVpc > 0 ? vpcBottom : FIRST_ROW - 24) + 24;
  const rowY = new Map<string, number>();
  if (servicesKinds.length > 0 || natPresent) {
    rowY.set('services', y);
    y += ROW_PITCH;
  }
  if (auditKinds.length > 0) {
    rowY.set('audit', y);
    y += ROW_PITCH;
  }
  const regionBottom = y - ROW_PITCH + ELEMENT_HEIGHT + 16;

  const boxOf = (column: Column, top: number): Box => ({
    x: column === 'internet' ? COLUMN_X.internet + 6 : COLUMN_X[column],
    y: top,
    w: column === 'internet' ? USERS_WIDTH : ELEMENT_WIDTH,
    h: ELEMENT_HEIGHT,
  });
  const elements: Element[] = [];
  const add = (key: string, box: Box, kind?: ElementKind) => {
    const own = kind ? resources.filter((r) => owner.get(r.logicalId) === kind.key) : [];
    elements.push({
      key,
      tier: kind?.tier,
      label: kind?.label ?? (key === 'users' ? 'Users' : 'AWS APIs'),
      detail: kind ? kind.detail(own) : key === 'users' ? 'invitees, operators' : 'and allowed domains',
      box,
      title: kind
        ? elementTitle(kind.label, own)
        : key === 'users'
          ? 'Users on the internet'
          : 'AWS APIs and the domains the DNS firewall allows',
      badges: judged.get(key) ?? [],
    });
  };
  for (const [key, p] of placed) add(key, boxOf(p.column, FIRST_ROW + p.row * ROW_PITCH), p.kind);
  if (natPresent) add('apis', boxOf('public', rowY.get('services') as number));
  for (const kind of [...servicesKinds, ...auditKinds]) {
    add(kind.key, boxOf(kind.column, rowY.get(kind.row) as number), kind);
  }

  const has = (key: string) => elements.some((e) => e.key === key);
  const flows: Flow[] = [];
  const flow = (from: string, to: string, kind: FlowKind, what: string) => {
    if (has(from) && has(to)) flows.push({ from, to, kind, what });
  };
  flow('users', has('waf') ? 'waf' : 'alb', 'request', 'HTTPS from the internet');
  flow('waf', 'alb', 'request', 'requests the web ACL allows');
  flow('alb', 'service', 'request', 'forwarded to the app');
  flow('alb', 'signin', 'request', 'operator paths sign in first');
  flow('service', 'db', 'request', 'database connections');
  flow('service', has('dnsfw') ? 'dnsfw' : 'nat', 'egress', 'outbound calls');
  flow('dnsfw', 'nat', 'egress', 'allowed domains only');
  flow('nat', 'apis', 'egress', 'to AWS APIs and allowed domains');
  flow('db', 'vault', 'backup', 'recovery points');
  flow('trail', 'alarms', 'alert', 'metric filters on the trail');
  flow('alarms', 'topic', 'alert', 'alarm actions');
  flow('rules', 'topic', 'alert', 'event targets');

  const tiers = (Object.keys(ARCHITECTURE_TIERS) as ArchitectureTier[]).filter((t) =>
    elements.some((e) => e.tier === t),
  );
  const legendTop = regionBottom + 22;
  const height = legendTop + (drawVpc ? 80 : 64);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${prefix}-title" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<title id="${prefix}-title">${escapeXml(`Architecture${options.title ? ` of ${options.title}` : ''}: ${tiers.map((t) => ARCHITECTURE_TIERS[t]).join(', ')}`)}</title>`,
    '<defs>',
    ...(Object.keys(FLOW_STYLES) as FlowKind[]).map(
      (kind) =>
        `<marker id="${prefix}-arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${FLOW_STYLES[kind].colour}"/></marker>`,
    ),
    '</defs>',
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  );
  if (options.title) {
    parts.push(text(16, 24, `Architecture of ${options.title}`, { weight: 'bold', size: 15 }));
  }
  // Trust boundaries, outermost first.
  if (internetFacing) {
    parts.push(
      boundary(
        {
          x: COLUMN_X.internet,
          y: REGION_TOP,
          w: USERS_WIDTH + 12,
          h: Math.max(vpcBottom, FIRST_ROW + ELEMENT_HEIGHT + 8) - REGION_TOP,
        },
        'Internet',
        '#cf222e',
        '5 4',
      ),
    );
  }
  const regionLeft = COLUMN_X.region - 14;
  parts.push(
    boundary(
      { x: regionLeft, y: REGION_TOP, w: WIDTH - 8 - regionLeft, h: regionBottom - REGION_TOP },
      `AWS region${options.region ? ` ${options.region}` : ''}`,
      '#57606a',
    ),
  );
  if (drawVpc) {
    const vpcLeft = COLUMN_X.public - 14;
    const vpcLabel = resources.some((r) => r.type === 'AWS::EC2::VPC') ? 'VPC' : 'VPC (of another stack)';
    parts.push(
      boundary(
        { x: vpcLeft, y: VPC_TOP, w: WIDTH - 20 - vpcLeft, h: vpcBottom - VPC_TOP },
        vpcLabel,
        '#0969da',
      ),
    );
    parts.push(
      ...vpcBadges.map((badge, i) =>
        badgeSvg(badge, vpcLeft + 20 + vpcLabel.length * 8 + i * 31, VPC_TOP + 5),
      ),
    );
    for (const column of SUBNET_COLUMNS) {
      if (!subnetColumns.present.has(column) && !inVpc.some((p) => p.column === column)) continue;
      parts.push(
        boundary(
          { x: COLUMN_X[column] - 6, y: ZONE_TOP, w: ELEMENT_WIDTH + 12, h: vpcBottom - 10 - ZONE_TOP },
          SUBNET_LABELS[column],
          '#8c959f',
          '3 3',
          '#f6f8fa',
        ),
      );
    }
  }
  for (const f of flows) parts.push(flowPath(f, elements, prefix));
  for (const e of elements) parts.push(elementSvg(e));
  parts.push(legend(legendTop, tiers, prefix, drawVpc));
  parts.push('</svg>');
  return parts.join('\n');
}

/** The column of each subnet of the template, by logical id, from the tag the CDK gives them. */
function subnetColumnsOf(resources: readonly Resource[]): {
  readonly byId: ReadonlyMap<string, SubnetColumn>;
  readonly present: ReadonlySet<SubnetColumn>;
} {
  const byId = new Map<string, SubnetColumn>();
  for (const r of resources) {
    if (r.type !== 'AWS::EC2::Subnet') continue;
    const tags = Array.isArray(r.properties.Tags)
      ? (r.properties.Tags as Array<{ Key?: string; Value?: string }>)
      : [];
    const type = tags.find((t) => t.Key === SUBNET_TYPE_TAG)?.Value?.toLowerCase();
    if (type === 'public' || type === 'private' || type === 'isolated') byId.set(r.logicalId, type);
  }
  return { byId, present: new Set(byId.values()) };
}

/** The one column all of `subnets` (template values) are in, when each is a subnet of the template. */
function columnOfSubnets(
  subnets: unknown,
  columns: { readonly byId: ReadonlyMap<string, SubnetColumn> },
): SubnetColumn | undefined {
  const list = Array.isArray(subnets) ? subnets : [];
  const found = new Set(
    list.map((s) => {
      const id = refOf((s as { SubnetId?: unknown })?.SubnetId ?? s);
      return id ? columns.byId.get(id) : undefined;
    }),
  );
  const [only] = found;
  return found.size === 1 && only !== undefined ? only : undefined;
}

function refOf(value: unknown): string | undefined {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
}

/**
 * The element each resource belongs to: the element of its type, else the element with which it shares the
 * longest construct path below the stack (the key of a database belongs to the database), else none.
 */
function ownersOf(
  resources: readonly Resource[],
  kinds: readonly ElementKind[],
  pathOf: (r: Resource) => string | undefined,
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const r of resources) {
    const kind = kinds.find((k) => k.types.includes(r.type) || k.members?.includes(r.type));
    if (kind) owner.set(r.logicalId, kind.key);
  }
  const segments = (r: Resource) => pathOf(r)?.split('/') ?? [];
  const all = resources.map(segments).filter((s) => s.length > 0);
  // The stack's own path: what every resource's path starts with.
  const stackDepth =
    all.length === 0 ? 0 : all.reduce((depth, s) => Math.min(depth, commonLength(all[0], s)), Infinity);
  // Full ties go to the element listed first in `ELEMENTS`.
  const rank = (key: string) => kinds.findIndex((k) => k.key === key);
  const members = resources
    .filter((r) => owner.has(r.logicalId))
    .map((r) => ({ key: owner.get(r.logicalId) as string, path: segments(r) }))
    .sort((a, b) => rank(a.key) - rank(b.key));
  for (const r of resources) {
    if (owner.has(r.logicalId)) continue;
    const own = segments(r);
    // The element sharing the longest path; among those, the one most of that construct's resources belong to.
    const scores = new Map<string, { length: number; count: number }>();
    for (const m of members) {
      const length = commonLength(own, m.path);
      if (length <= stackDepth) continue;
      const score = scores.get(m.key);
      if (!score || length > score.length) scores.set(m.key, { length, count: 1 });
      else if (length === score.length) score.count++;
    }
    let best: { key: string; length: number; count: number } | undefined;
    for (const [key, score] of scores) {
      if (!best || score.length > best.length || (score.length === best.length && score.count > best.count)) {
        best = { key, ...score };
      }
    }
    if (best) owner.set(r.logicalId, best.key);
  }
  return owner;
}

function commonLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length - 1 && n < b.length - 1 && a[n] === b[n]) n++;
  return n;
}

/** Each element's badges: per checklist item whose outcomes fall on its resources, the worst of them. */
function judgementsByElement(
  resources: readonly Resource[],
  owner: ReadonlyMap<string, string>,
  pathOf: (r: Resource) => string | undefined,
  outcomes: readonly RuleOutcome[],
): Map<string, Badge[]> {
  const elementOfPath = new Map<string, string>();
  for (const r of resources) {
    const p = pathOf(r);
    const key = owner.get(r.logicalId);
    if (p !== undefined && key !== undefined) elementOfPath.set(p, key);
  }
  const tally = new Map<string, Map<ChecklistItem, Map<OutcomeStatus, number>>>();
  for (const o of outcomes) {
    const key = elementOfPath.get(o.resourcePath);
    const item = key === undefined ? undefined : checklistItemOf(o);
    if (key === undefined || item === undefined) continue;
    const items = tally.get(key) ?? new Map<ChecklistItem, Map<OutcomeStatus, number>>();
    tally.set(key, items);
    const statuses = items.get(item) ?? new Map<OutcomeStatus, number>();
    items.set(item, statuses);
    statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
  }
  const order = Object.keys(CHECKLIST_ITEMS) as ChecklistItem[];
  const badges = new Map<string, Badge[]>();
  for (const [key, items] of tally) {
    badges.set(
      key,
      order
        .filter((item) => items.has(item))
        .map((item) => {
          const statuses = items.get(item) as Map<OutcomeStatus, number>;
          const status: BadgeStatus =
            statuses.has('non-compliant') || statuses.has('error')
              ? 'open'
              : statuses.has('acknowledged')
                ? 'acknowledged'
                : 'passed';
          const counts = (['compliant', 'acknowledged', 'non-compliant', 'error'] as const)
            .filter((s) => statuses.has(s))
            .map((s) => `${statuses.get(s)} ${s}`)
            .join(', ');
          return { item, status, title: `${item} ${CHECKLIST_ITEMS[item]}: ${counts}` };
        }),
    );
  }
  return badges;
}

/** What an element stands for, for its tooltip: how many resources of each type. */
function elementTitle(label: string, resources: readonly Resource[]): string {
  const types = new Map<string, number>();
  for (const r of resources) types.set(r.type, (types.get(r.type) ?? 0) + 1);
  return `${label}: ${[...types].map(([type, n]) => `${n} ${type}`).join(', ')}`;
}

function elementSvg(e: Element): string {
  const { x, y, w, h } = e.box;
  const colour = e.tier ? TIER_COLOURS[e.tier] : '#57606a';
  const parts = [
    `<g class="element" data-element="${e.key}">`,
    `<title>${escapeXml(e.title)}</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="#ffffff" stroke="${colour}" stroke-width="1.5"/>`,
    `<rect x="${x}" y="${y}" width="5" height="${h}" rx="2" fill="${colour}"/>`,
  ];
  if (e.tier)
    parts.push(
      text(x + 12, y + 15, ARCHITECTURE_TIERS[e.tier].replace(/ tier$/, '').toUpperCase(), {
        size: 9,
        colour,
        weight: 'bold',
      }),
    );
  parts.push(text(x + 12, y + 32, e.label, { weight: 'bold', size: 13 }));
  parts.push(text(x + 12, y + 47, e.detail, { size: 11, colour: '#57606a' }));
  e.badges.forEach((badge, i) => {
    parts.push(
      badgeSvg(badge, x + 10 + (i % BADGES_PER_LINE) * 31, y + 54 + Math.floor(i / BADGES_PER_LINE) * 16),
    );
  });
  parts.push('</g>');
  return parts.join('');
}

/** A checklist item's badge, linked to the item's section of the summary. */
function badgeSvg(badge: Badge, x: number, y: number): string {
  const { fill, stroke } = BADGE_COLOURS[badge.status];
  return (
    `<a href="#${badge.item}" class="badge ${badge.status}"><title>${escapeXml(badge.title)}</title>` +
    `<rect x="${x}" y="${y}" width="28" height="14" rx="3" fill="${fill}" stroke="${stroke}"/>` +
    text(x + 14, y + 11, badge.item, { size: 10, anchor: 'middle', weight: 'bold' }) +
    '</a>'
  );
}

function boundary(box: Box, label: string, stroke: string, dash?: string, fill = 'none'): string {
  return (
    `<g class="boundary"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${box.h}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>` +
    text(box.x + 10, box.y + 17, label, { size: 11, colour: stroke, weight: 'bold' }) +
    '</g>'
  );
}

/** An orthogonal line from one element's side to the other's, with an arrowhead. */
function flowPath(f: Flow, elements: readonly Element[], prefix: string): string {
  const a = (elements.find((e) => e.key === f.from) as Element).box;
  const b = (elements.find((e) => e.key === f.to) as Element).box;
  const style = FLOW_STYLES[f.kind];
  let d: string;
  if (b.x >= a.x + a.w || a.x >= b.x + b.w) {
    // Side by side: leave from the facing side, turn halfway.
    const rightward = b.x >= a.x + a.w;
    const x1 = rightward ? a.x + a.w : a.x;
    const x2 = rightward ? b.x : b.x + b.w;
    // A flow that turns leaves below the middle, clear of a straight flow arriving on the same side.
    const y2 = b.y + b.h / 2;
    const y1 = a.y + (a.y + a.h / 2 === y2 ? a.h / 2 : (a.h * 3) / 4);
    const xm = Math.round((x1 + x2) / 2);
    d = y1 === y2 ? `M${x1} ${y1} H${x2}` : `M${x1} ${y1} H${xm} V${y2} H${x2}`;
  } else {
    const downward = b.y >= a.y;
    const x1 = a.x + a.w / 2;
    const x2 = b.x + b.w / 2;
    const y1 = downward ? a.y + a.h : a.y;
    const y2 = downward ? b.y : b.y + b.h;
    const ym = Math.round((y1 + y2) / 2);
    d = x1 === x2 ? `M${x1} ${y1} V${y2}` : `M${x1} ${y1} V${ym} H${x2} V${y2}`;
  }
  return (
    `<path class="flow ${f.kind}" d="${d}" fill="none" stroke="${style.colour}" stroke-width="1.6"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#${prefix}-arrow-${f.kind})">` +
    `<title>${escapeXml(`${f.from} → ${f.to}: ${f.what}`)}</title></path>`
  );
}

function legend(top: number, tiers: readonly ArchitectureTier[], prefix: string, vpc: boolean): string {
  const parts = ['<g class="legend">'];
  let x = 16;
  for (const tier of tiers) {
    parts.push(`<rect x="${x}" y="${top}" width="12" height="12" rx="2" fill="${TIER_COLOURS[tier]}"/>`);
    parts.push(text(x + 18, top + 10, ARCHITECTURE_TIERS[tier]));
    x += 104;
  }
  x += 16;
  for (const [status, label] of [
    ['passed', 'passed'],
    ['acknowledged', 'acknowledged'],
    ['open', 'open finding'],
  ] as const) {
    const { fill, stroke } = BADGE_COLOURS[status];
    parts.push(
      `<rect x="${x}" y="${top - 1}" width="28" height="14" rx="3" fill="${fill}" stroke="${stroke}"/>`,
    );
    parts.push(text(x + 14, top + 10, 'Cn', { size: 10, anchor: 'middle', weight: 'bold' }));
    parts.push(text(x + 34, top + 10, label));
    x += 52 + Math.round(label.length * 7.2);
  }
  x = 16;
  const y = top + 28;
  for (const kind of Object.keys(FLOW_STYLES) as FlowKind[]) {
    const style = FLOW_STYLES[kind];
    parts.push(
      `<path d="M${x} ${y} H${x + 34}" stroke="${style.colour}" stroke-width="1.6" fill="none"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} marker-end="url(#${prefix}-arrow-${kind})"/>`,
    );
    parts.push(text(x + 42, y + 4, style.legend, { size: 11 }));
    x += 60 + Math.round(style.legend.length * 6.4);
  }
  const notes = [
    ...(vpc
      ? [
          'Boundaries: public subnets route to the internet; private subnets reach out only through NAT; isolated subnets have no route out.',
        ]
      : []),
    `Cn: a checklist item whose rules judged the resources of the element${vpc ? ' (or of the VPC)' : ''}, linked to its section below.`,
  ];
  notes.forEach((note, i) => parts.push(text(16, top + 52 + i * 16, note, { size: 11, colour: '#57606a' })));
  parts.push('</g>');
  return parts.join('\n');
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size?: number; weight?: 'bold'; colour?: string; anchor?: 'middle' } = {},
): string {
  return (
    `<text x="${x}" y="${y}"${style.size ? ` font-size="${style.size}"` : ''}${style.weight ? ` font-weight="${style.weight}"` : ''}` +
    `${style.colour ? ` fill="${style.colour}"` : ''}${style.anchor ? ` text-anchor="${style.anchor}"` : ''}>${escapeXml(content)}</text>`
  );
}

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
