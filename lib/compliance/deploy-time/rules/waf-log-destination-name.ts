import {
  CfnTemplate,
  DeployTimeContext,
  DeployTimeFinding,
  finding,
  literalString,
  propsOf,
  referencedId,
  resourcesOfType,
} from '../template';

/** The prefix AWS WAF requires of the name of every logging destination. */
export const WAF_LOG_DESTINATION_PREFIX = 'aws-waf-logs-';

/** The destination's name, from a log group defined in the template or from a literal ARN. */
function destinationName(
  template: CfnTemplate,
  destination: unknown,
  context: DeployTimeContext,
): string | undefined {
  const id = referencedId(destination) ?? referencedIdInsideArn(destination);
  const resource = id ? template.Resources?.[id] : undefined;
  if (resource?.Type === 'AWS::Logs::LogGroup') {
    // A log group without a name gets a generated one, which never starts with the prefix.
    return literalString(propsOf(resource).LogGroupName, context) ?? `(generated name of ${id})`;
  }
  if (resource?.Type === 'AWS::S3::Bucket') {
    return literalString(propsOf(resource).BucketName, context) ?? `(generated name of ${id})`;
  }
  if (resource?.Type === 'AWS::KinesisFirehose::DeliveryStream') {
    return literalString(propsOf(resource).DeliveryStreamName, context) ?? `(generated name of ${id})`;
  }
  const arn = literalString(destination, context);
  // arn:aws:logs:region:account:log-group:NAME, arn:aws:s3:::NAME, arn:aws:firehose:...:deliverystream/NAME
  return (
    arn?.match(/:log-group:([^:]+)/)?.[1] ??
    arn?.match(/^arn:[^:]+:s3:::([^/]+)/)?.[1] ??
    arn?.match(/:deliverystream\/(.+)$/)?.[1]
  );
}

/** The resource an ARN built with `Fn::Join` names (`...:log-group:` + `{ Ref: LogGroup }`). */
function referencedIdInsideArn(destination: unknown): string | undefined {
  const join = (destination as Record<string, unknown> | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || !Array.isArray(join[1])) return undefined;
  return (join[1] as unknown[]).map(referencedId).find((id) => id !== undefined && !id.startsWith('AWS::'));
}

/** Every logging destination of a web ACL is named with the prefix AWS WAF requires. */
export function wafLogDestinationName(
  template: CfnTemplate,
  context: DeployTimeContext,
): DeployTimeFinding[] {
  return resourcesOfType(template, 'AWS::WAFv2::LoggingConfiguration').flatMap(([id, resource]) => {
    const destinations = propsOf(resource).LogDestinationConfigs;
    return (Array.isArray(destinations) ? destinations : []).flatMap((destination) => {
      const name = destinationName(template, destination, context);
      return name === undefined || name.startsWith(WAF_LOG_DESTINATION_PREFIX)
        ? []
        : [finding(id, `logging destination '${name}' does not start with '${WAF_LOG_DESTINATION_PREFIX}'`)];
    });
  });
}
