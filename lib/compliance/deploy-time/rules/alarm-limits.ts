import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** The most actions an alarm may take for one state. */
export const MAX_ACTIONS_PER_STATE = 5;
/** The longest alarm name CloudWatch accepts. */
export const MAX_ALARM_NAME_LENGTH = 255;

const ACTION_LISTS = ['AlarmActions', 'OKActions', 'InsufficientDataActions'] as const;

/** A CloudWatch alarm (metric or composite) has at most five actions per state and a name that fits. */
export function alarmLimits(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  return ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
    resourcesOfType(template, type).flatMap(([id, resource]) => {
      const props = propsOf(resource);
      const found = ACTION_LISTS.flatMap((list) => {
        const count = Array.isArray(props[list]) ? (props[list] as unknown[]).length : 0;
        return count > MAX_ACTIONS_PER_STATE
          ? [
              finding(
                id,
                `${list} has ${count} actions; an alarm takes at most ${MAX_ACTIONS_PER_STATE} per state`,
              ),
            ]
          : [];
      });
      const name = literalString(props.AlarmName, context);
      if (name !== undefined && (name.length < 1 || name.length > MAX_ALARM_NAME_LENGTH)) {
        found.push(
          finding(
            id,
            `AlarmName has ${name.length} characters; CloudWatch accepts 1 to ${MAX_ALARM_NAME_LENGTH}`,
          ),
        );
      }
      return found;
    }),
  );
}
