/* eslint-disable @typescript-eslint/no-explicit-any -- templates are untyped JSON */
import { Resolved, resolverFor, TemplateResolver } from './access-paths/resolve';
import { StackEnvironment } from './access-paths/types';

/** The attributes that hold an ARN, by resource type, for finding a resource by the ARN a property names. */
const ARN_ATTRIBUTES: Record<string, readonly string[]> = {
  'AWS::SNS::Topic': ['TopicArn'],
  'AWS::SQS::Queue': ['Arn'],
  'AWS::KMS::Key': ['Arn'],
};

/**
 * A synthesized template with its intrinsic functions resolved to the concrete values they have when deployed
 * at `at`, for tests that need one value at a time. The resolution is the access-path resolver's
 * (`access-paths/resolve.ts`); this adapter throws where that resolver reports a value unresolvable, so an
 * unresolved value fails the test instead of passing it.
 */
export class ResolvedTemplate {
  private readonly resolver: TemplateResolver;

  constructor(template: any, at: StackEnvironment) {
    this.resolver = resolverFor(template, { stackName: 'SecureScheduling', ...at });
  }

  /** The resources of `type`, as [logical id, resource], in template order. */
  public resourcesOfType(type: string): Array<[string, any]> {
    return this.resolver.resourcesOfType(type);
  }

  /** The resource `logicalId`; throws if there is none. */
  public resource(logicalId: string): any {
    const resource = this.resolver.resource(logicalId);
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    return resource;
  }

  /** `value` with every intrinsic function resolved; throws if any part cannot be. */
  public resolve(value: any): any {
    return unwrap(this.resolver.resolve(value), value);
  }

  /** The logical id of the resource of `type` whose `Ref` or ARN is `value`; undefined if none. */
  public logicalIdOf(value: string, type: string): string | undefined {
    return this.resolver.findByValue(type, value, ARN_ATTRIBUTES[type] ?? ['Arn']);
  }

  /** An ARN of `service` in the template's partition, account and region (`resource` e.g. `rule/Name`). */
  public arnOf(service: string, resource: string): string {
    const { partition, region, account } = this.resolver.env;
    return `arn:${partition}:${service}:${region}:${account}:${resource}`;
  }
}

function unwrap<T>(resolved: Resolved<T>, value: unknown): T {
  if (!resolved.ok) throw new Error(`cannot resolve ${JSON.stringify(value)}: ${resolved.problem}`);
  return resolved.value;
}
