import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  resourcesOfType,
} from '../template';

/** A topic name: letters, digits, '_' and '-' (a FIFO topic adds `.fifo`), 256 characters at most. */
const TOPIC_NAME = /^[A-Za-z0-9_-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 256;
/** A queue name: 1 to 80 letters, digits, '_' and '-', the `.fifo` suffix included. */
const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;
export const MAX_QUEUE_NAME_LENGTH = 80;
const FIFO_SUFFIX = '.fifo';

/** An SNS topic or SQS queue given a name has one its service accepts. */
export function topicAndQueueNames(template: CfnTemplate, context: DeployTimeContext): DeployTimeFinding[] {
  const topics = resourcesOfType(template, 'AWS::SNS::Topic').flatMap(([id, resource]) => {
    const name = literalString(propsOf(resource).TopicName, context);
    const base = name?.endsWith(FIFO_SUFFIX) ? name.slice(0, -FIFO_SUFFIX.length) : name;
    return name === undefined ||
      base === undefined ||
      (name.length <= MAX_TOPIC_NAME_LENGTH && TOPIC_NAME.test(base))
      ? []
      : [
          finding(
            id,
            `TopicName '${name}' must be 1 to ${MAX_TOPIC_NAME_LENGTH} characters of A-Z, a-z, 0-9, '_', '-'`,
          ),
        ];
  });
  const queues = resourcesOfType(template, 'AWS::SQS::Queue').flatMap(([id, resource]) => {
    const name = literalString(propsOf(resource).QueueName, context);
    if (name === undefined) return [];
    const base = name.endsWith(FIFO_SUFFIX) ? name.slice(0, -FIFO_SUFFIX.length) : name;
    return name.length <= MAX_QUEUE_NAME_LENGTH && QUEUE_NAME.test(base)
      ? []
      : [
          finding(
            id,
            `QueueName '${name}' must be 1 to ${MAX_QUEUE_NAME_LENGTH} characters of A-Z, a-z, 0-9, '_', '-'`,
          ),
        ];
  });
  return [...topics, ...queues];
}
