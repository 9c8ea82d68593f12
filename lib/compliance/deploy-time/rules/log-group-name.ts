import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** The longest log group name CloudWatch Logs accepts. */
export const MAX_LOG_GROUP_NAME_LENGTH = 512;
/** The characters a log group name may contain. */
const LOG_GROUP_NAME_CHARACTERS = /^[A-Za-z0-9_\-/.#]+$/;
/** The prefix CloudWatch Logs keeps for itself. */
const RESERVED_PREFIX = 'aws/';

/** A log group name fits: 1 to 512 characters, from the allowed set, not starting with `aws/`. */
export function logGroupName(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::Logs::LogGroup').flatMap(([id, resource]) => {
    const name = literalString(propsOf(resource).LogGroupName, context);
    if (name === undefined) return [];
    const found = [];
    if (name.length < 1 || name.length > MAX_LOG_GROUP_NAME_LENGTH) {
      found.push(
        finding(
          id,
          `LogGroupName has ${name.length} characters; CloudWatch Logs accepts 1 to ${MAX_LOG_GROUP_NAME_LENGTH}`,
        ),
      );
    }
    if (name.length > 0 && !LOG_GROUP_NAME_CHARACTERS.test(name)) {
      found.push(
        finding(
          id,
          `LogGroupName '${name}' has characters other than a-z, A-Z, 0-9, '_', '-', '/', '.', '#'`,
        ),
      );
    }
    if (name.startsWith(RESERVED_PREFIX)) {
      found.push(
        finding(
          id,
          `LogGroupName '${name}' starts with '${RESERVED_PREFIX}', which CloudWatch Logs reserves`,
        ),
      );
    }
    return found;
  });
}
