import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { AlertTopic } from '../audit/alert-topic';
import { SchedulingService } from './scheduling-service';

export interface ServiceAlarmsProps {
  /** The app. */
  readonly service: SchedulingService;
  /** The load balancer in front of it. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Where alarms are sent. */
  readonly alerts: AlertTopic;
}

/**
 * Alarms that tell the operators the app is down or failing, before its users do: unhealthy tasks behind the
 * load balancer, server errors from the app or from the load balancer itself, and fewer running tasks than the
 * minimum.
 */
export class ServiceAlarms extends Construct {
  /** Some registered tasks fail their health checks. */
  public readonly unhealthyTargets: cloudwatch.Alarm;
  /** The app answers with 5xx errors. */
  public readonly targetServerErrors: cloudwatch.Alarm;
  /** The load balancer answers 5xx itself (no healthy task, timeouts). */
  public readonly loadBalancerServerErrors: cloudwatch.Alarm;
  /** Fewer tasks run than the service's minimum, even with no traffic to notice it. */
  public readonly tooFewTasks: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const targetGroup = props.service.targetGroup;
    const period = Duration.minutes(1);

    this.unhealthyTargets = new cloudwatch.Alarm(this, 'UnhealthyTargets', {
      alarmDescription: 'At least one app task has failed its load balancer health checks for 3 minutes.',
      metric: targetGroup.metrics.unhealthyHostCount({ period, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const serverErrors = (id: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `${description} answered with more than 10 server errors (5xx) per minute for 5 minutes.`,
        metric,
        threshold: 10,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const sumPerMinute = { period, statistic: cloudwatch.Stats.SUM };
    this.targetServerErrors = serverErrors(
      'TargetServerErrors',
      'The app',
      targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, sumPerMinute),
    );
    // No healthy task, or tasks that time out.
    this.loadBalancerServerErrors = serverErrors(
      'LoadBalancerServerErrors',
      'The load balancer itself',
      props.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, sumPerMinute),
    );
    // Container Insights counts running tasks even when no request arrives to fail.
    this.tooFewTasks = new cloudwatch.Alarm(this, 'TooFewTasks', {
      alarmDescription: `Fewer than ${props.service.minTaskCount} app tasks have been running for 3 minutes.`,
      metric: new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: {
          ClusterName: props.service.cluster.clusterName,
          ServiceName: props.service.service.serviceName,
        },
        period,
        statistic: cloudwatch.Stats.MINIMUM,
      }),
      threshold: props.service.minTaskCount,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    for (const alarm of [
      this.unhealthyTargets,
      this.targetServerErrors,
      this.loadBalancerServerErrors,
      this.tooFewTasks,
    ]) {
      props.alerts.notify(alarm);
    }
  }
}
