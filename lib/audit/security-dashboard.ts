import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { WebFirewall } from '../ingress/web-firewall';
import { Problems } from '../private/problems';

/** The web firewall's rate-based rules, by rule name (see `WebFirewall`). */
export const RATE_LIMIT_RULES: readonly string[] = ['RateLimitPerIp', 'RateLimitSensitivePaths'];

export interface SecurityDashboardProps {
  /** The web firewall whose allowed, blocked and rate-limited requests are shown. */
  readonly firewall: WebFirewall;
  /** The load balancer whose 4xx, 5xx and TLS negotiation errors are shown. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /**
   * Name of the dashboard. Dashboard names are unique in an account across regions.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Period of each graph's data points.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * A CloudWatch dashboard with the deployment's security signals (checklist C9, C10): requests the web ACL
 * allowed, blocked and rate-limited; the load balancer's 4xx and 5xx answers and failed TLS handshakes;
 * the state of every alarm of the stack; and, once `addDatabase` is called, the database's connections and
 * free storage.
 */
export class SecurityDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  private readonly period: Duration;

  constructor(scope: Construct, id: string, props: SecurityDashboardProps) {
    super(scope, id);
    this.period = props.period ?? Duration.minutes(5);
    const problems = new Problems();
    const seconds = this.period.toSeconds();
    problems.check(
      seconds < 60 || seconds % 60 !== 0 || seconds > 86400,
      `\`period\` must be whole minutes from 1 minute to 1 day (the metrics are published per minute), got ${seconds} seconds`,
    );
    const name = props.dashboardName;
    problems.check(
      name !== undefined && !Token.isUnresolved(name) && !/^[A-Za-z0-9_-]{1,255}$/.test(name),
      `\`dashboardName\` must be 1 to 255 letters, digits, '-' or '_', got '${name}'`,
    );
    problems.throwIfAny(this);
    const stack = Stack.of(this);
    const period = this.period;

    const waf = (metricName: string, rule: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName,
        // WAF names its metrics' dimensions by the metric names of the web ACL's visibility settings.
        dimensionsMap: {
          WebACL: `${props.firewall.metricPrefix}-WebAcl`,
          Region: stack.region,
          Rule: rule === 'ALL' ? 'ALL' : `${props.firewall.metricPrefix}-${rule}`,
        },
        statistic: cloudwatch.Stats.SUM,
        period,
        label,
      });
    const lb = props.loadBalancer.metrics;
    const sum = { statistic: cloudwatch.Stats.SUM, period };

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Web ACL: allowed and blocked requests',
            left: [waf('AllowedRequests', 'ALL', 'Allowed'), waf('BlockedRequests', 'ALL', 'Blocked')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Web ACL: requests blocked by the rate limits',
            left: RATE_LIMIT_RULES.map((rule) => waf('BlockedRequests', rule, rule)),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Load balancer: 4xx and 5xx answers',
            left: [
              lb.httpCodeElb(elbv2.HttpCodeElb.ELB_4XX_COUNT, { ...sum, label: 'Load balancer 4xx' }),
              lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { ...sum, label: 'Load balancer 5xx' }),
              lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { ...sum, label: 'App 4xx' }),
              lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { ...sum, label: 'App 5xx' }),
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Load balancer: failed TLS handshakes',
            left: [lb.clientTlsNegotiationErrorCount({ ...sum, label: 'Client TLS negotiation errors' })],
            width: 12,
          }),
        ],
        [new StackAlarmsWidget(stack)],
      ],
    });
  }

  /**
   * Adds the database's connections and free storage (for the database tier); for an Aurora cluster, its
   * connections and the capacity its Serverless v2 instances use.
   */
  public addDatabase(database: rds.IDatabaseInstance | rds.IDatabaseCluster): void {
    const period = this.period;
    if ('clusterIdentifier' in database) {
      const metric = (metricName: string, statistic: string, label: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName,
          dimensionsMap: { DBClusterIdentifier: database.clusterIdentifier },
          statistic,
          period,
          label,
        });
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Database: connections',
          left: [metric('DatabaseConnections', cloudwatch.Stats.MAXIMUM, 'Connections')],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: 'Database: Serverless v2 capacity (ACU)',
          left: [metric('ServerlessDatabaseCapacity', cloudwatch.Stats.MAXIMUM, 'Capacity (ACU)')],
          width: 12,
        }),
      );
      return;
    }
    const instance = database;
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Database: connections',
        left: [instance.metricDatabaseConnections({ statistic: cloudwatch.Stats.MAXIMUM, period })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Database: free storage',
        left: [instance.metricFreeStorageSpace({ statistic: cloudwatch.Stats.MINIMUM, period })],
        width: 12,
      }),
    );
  }
}

/**
 * The state of every alarm of the stack, read when the template is written, so that alarms added after the
 * dashboard (by a tier added later) are shown too.
 */
class StackAlarmsWidget extends cloudwatch.ConcreteWidget {
  constructor(private readonly scope: IConstruct) {
    super(24, 6);
  }

  public toJson(): object[] {
    const alarms = this.scope.node
      .findAll()
      .filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm);
    return [
      {
        type: 'alarm',
        width: this.width,
        height: this.height,
        x: this.x,
        y: this.y,
        properties: {
          title: 'Alarms of this deployment',
          alarms: alarms.map((a) => a.alarmArn),
          sortBy: 'stateUpdatedTimestamp',
        },
      },
    ];
  }
}
