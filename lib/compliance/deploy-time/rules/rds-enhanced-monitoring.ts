import {
  CfnTemplate,
  DeployTimeFinding,
  finding,
  literalNumber,
  propsOf,
  resourcesOfType,
} from '../template';

/** The intervals, in seconds, RDS accepts for Enhanced Monitoring (0 turns it off). */
export const MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/**
 * Enhanced Monitoring uses an interval RDS accepts, and a role exactly when it is on: an interval above 0
 * needs `MonitoringRoleArn`, and a role needs an interval above 0.
 */
export function rdsEnhancedMonitoring(template: CfnTemplate): DeployTimeFinding[] {
  return ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'].flatMap((type) =>
    resourcesOfType(template, type).flatMap(([id, resource]) => {
      const props = propsOf(resource);
      const interval = literalNumber(props.MonitoringInterval);
      const hasRole = props.MonitoringRoleArn !== undefined;
      const found = [];
      if (interval !== undefined && !MONITORING_INTERVALS.includes(interval)) {
        found.push(
          finding(id, `MonitoringInterval is ${interval}; RDS accepts ${MONITORING_INTERVALS.join(', ')}`),
        );
      }
      if (interval !== undefined && interval > 0 && !hasRole) {
        found.push(finding(id, `MonitoringInterval is ${interval} but no MonitoringRoleArn is given`));
      }
      if (hasRole && (interval === undefined || interval === 0)) {
        found.push(finding(id, 'MonitoringRoleArn is given but MonitoringInterval is 0 or absent'));
      }
      return found;
    }),
  );
}
