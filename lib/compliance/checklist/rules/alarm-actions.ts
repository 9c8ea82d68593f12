import { CfnResource } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolved } from '../template-references';

/**
 * C10: every alarm tells someone: it has at least one alarm action and its actions are not turned off. An
 * alarm nobody receives is a change nobody reviews.
 */
export function alarmActions(node: CfnResource): NagRuleResult {
  if (!(node instanceof CfnAlarm)) {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  return alarmNotifies(node) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

/** Whether `alarm` has an alarm action and its actions enabled (CloudWatch's default). */
export function alarmNotifies(alarm: CfnAlarm): boolean {
  const actions = resolved<unknown[] | undefined>(alarm, alarm.alarmActions) ?? [];
  return actions.length > 0 && resolved(alarm, alarm.actionsEnabled) !== false;
}
