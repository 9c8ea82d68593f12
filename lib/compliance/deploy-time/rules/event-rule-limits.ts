import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  jsonLength,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** The longest rule name EventBridge accepts. */
export const MAX_RULE_NAME_LENGTH = 64;
/** The characters a rule name may contain. */
const RULE_NAME_CHARACTERS = /^[.\-_A-Za-z0-9]+$/;
/** The largest event pattern EventBridge accepts, in characters. */
export const MAX_EVENT_PATTERN_LENGTH = 2048;
/** The most targets one rule can have. */
export const MAX_TARGETS_PER_RULE = 5;

/** An EventBridge rule fits: its name, the size of its event pattern, and its number of targets. */
export function eventRuleLimits(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([id, resource]) => {
    const props = propsOf(resource);
    const found = [];
    const name = literalString(props.Name, context);
    if (name !== undefined && (name.length > MAX_RULE_NAME_LENGTH || !RULE_NAME_CHARACTERS.test(name))) {
      found.push(
        finding(
          id,
          `Name '${name}' must be 1 to ${MAX_RULE_NAME_LENGTH} characters of A-Z, a-z, 0-9, '.', '-', '_'`,
        ),
      );
    }
    if (props.EventPattern !== undefined) {
      // A pattern given as a string is passed on as written; an object is serialized as compact JSON.
      const length =
        typeof props.EventPattern === 'string'
          ? props.EventPattern.length
          : jsonLength(props.EventPattern, false, template, context);
      if (length > MAX_EVENT_PATTERN_LENGTH) {
        found.push(
          finding(
            id,
            `EventPattern has about ${length} characters; EventBridge accepts at most ${MAX_EVENT_PATTERN_LENGTH}`,
          ),
        );
      }
    }
    const targets = Array.isArray(props.Targets) ? props.Targets.length : 0;
    if (targets > MAX_TARGETS_PER_RULE) {
      found.push(finding(id, `has ${targets} targets; a rule can have at most ${MAX_TARGETS_PER_RULE}`));
    }
    return found;
  });
}
