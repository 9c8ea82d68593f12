import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SecureSchedulingStack } from '../../lib';
import { defaultStack } from '../support/app';
import { resolveIntrinsics } from '../support/event-pattern';

interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: unknown[][];
    readonly alarms?: string[];
  };
}

/** The widgets of the stack's dashboard, with every reference resolved to `ref:<id>` or `<id>.<attribute>`. */
function widgetsOf(template: Template): Widget[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = resolveIntrinsics(dashboard.Properties.DashboardBody, (ref) =>
    ref.includes('.') ? ref : `ref:${ref}`,
  );
  return JSON.parse(body as string).widgets;
}

/** `[namespace, metric, dimension, value, ...]` of every metric of a widget (options objects dropped). */
function metricsOf(widget: Widget): string[][] {
  return (widget.properties.metrics ?? []).map((m) => m.filter((x): x is string => typeof x === 'string'));
}

describe('SecurityDashboard', () => {
  let stack: SecureSchedulingStack;
  let template: Template;
  let widgets: Widget[];

  beforeAll(() => {
    stack = defaultStack();
    // The stack adds its database's widgets; an alarm added afterwards still shows.
    new cloudwatch.Alarm(stack, 'AddedLater', {
      metric: stack.databaseInstance!.metricCPUUtilization(),
      threshold: 90,
      evaluationPeriods: 3,
    });
    template = Template.fromStack(stack);
    widgets = widgetsOf(template);
  });

  describe('web ACL', () => {
    test('shows allowed and blocked requests of the whole web ACL', () => {
      const widget = widgets.find((w) => w.properties.title === 'Web ACL: allowed and blocked requests');
      const described = metricsOf(widget!).map(([namespace, name, ...dimensions]) => ({
        namespace,
        name,
        dimensions: Object.fromEntries(dimensions.flatMap((d, i) => (i % 2 ? [] : [[d, dimensions[i + 1]]]))),
      }));
      const dimensions = { WebACL: 'SecureScheduling-Firewall-WebAcl', Region: 'eu-west-1', Rule: 'ALL' };
      expect(described).toEqual([
        { namespace: 'AWS/WAFV2', name: 'AllowedRequests', dimensions },
        { namespace: 'AWS/WAFV2', name: 'BlockedRequests', dimensions },
      ]);
    });

    test("shows requests blocked by each rate limit, under the names of the web ACL's rules", () => {
      const widget = widgets.find(
        (w) => w.properties.title === 'Web ACL: requests blocked by the rate limits',
      );
      const rules = metricsOf(widget!).map((m) => m[m.indexOf('Rule') + 1]);
      const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0];
      const rateRules = acl.Properties.Rules.filter(
        (r: { Statement: Record<string, unknown> }) => r.Statement.RateBasedStatement,
      );
      expect(rules.sort()).toEqual(
        rateRules
          .map((r: { VisibilityConfig: { MetricName: string } }) => r.VisibilityConfig.MetricName)
          .sort(),
      );
      expect(acl.Properties.VisibilityConfig.MetricName).toBe('SecureScheduling-Firewall-WebAcl');
    });
  });

  describe('load balancer', () => {
    test('shows 4xx and 5xx answers of the load balancer and the app, and failed TLS handshakes', () => {
      const names = widgets.flatMap((w) => metricsOf(w)).filter((m) => m[0] === 'AWS/ApplicationELB');
      expect(names.map((m) => m[1]).sort()).toEqual([
        'ClientTLSNegotiationErrorCount',
        'HTTPCode_ELB_4XX_Count',
        'HTTPCode_ELB_5XX_Count',
        'HTTPCode_Target_4XX_Count',
        'HTTPCode_Target_5XX_Count',
      ]);
      for (const m of names) {
        expect(m).toContain(
          `${Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]}.LoadBalancerFullName`,
        );
      }
    });
  });

  describe('alarms', () => {
    test('shows every alarm of the stack, those added after the dashboard included', () => {
      const [widget] = widgets.filter((w) => w.type === 'alarm');
      const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
      expect(widget.properties.alarms!.map((a) => a.replace(/\.Arn$/, '')).sort()).toEqual(alarmIds.sort());
      expect(alarmIds).toContainEqual(expect.stringMatching(/^AddedLater/));
      expect(alarmIds.length).toBeGreaterThanOrEqual(20);
      expect(alarmIds.length).toBeLessThanOrEqual(100); // an alarm status widget shows at most 100
    });
  });

  describe('database', () => {
    test("addDatabase shows the stack's database connections and free storage", () => {
      const rdsMetrics = widgets.flatMap((w) => metricsOf(w)).filter((m) => m[0] === 'AWS/RDS');
      const id = Object.keys(template.findResources('AWS::RDS::DBInstance'))[0];
      expect(rdsMetrics).toEqual([
        ['AWS/RDS', 'DatabaseConnections', 'DBInstanceIdentifier', `ref:${id}`],
        ['AWS/RDS', 'FreeStorageSpace', 'DBInstanceIdentifier', `ref:${id}`],
      ]);
    });
  });

  test('is one dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
