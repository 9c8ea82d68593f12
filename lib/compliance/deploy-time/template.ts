/**
 * What a deploy-time rule reads: a synthesized CloudFormation template as plain JSON, and the few facts about
 * where it will be deployed that the template itself may not say. Small, pure helpers to read values the way
 * CloudFormation will see them, without resolving anything that only exists at deploy time.
 */

/** One resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** A synthesized CloudFormation template (only what the rules read). */
export interface CfnTemplate {
  readonly Resources?: Record<string, TemplateResource>;
  readonly [key: string]: unknown;
}

/** Where the template will be deployed, when the stack says so. */
export interface DeployTimeContext {
  /** The stack's region, e.g. `eu-west-1`; undefined for an environment-agnostic stack. */
  readonly region?: string;
  /** The stack's name, which CloudFormation builds generated resource names from. */
  readonly stackName?: string;
}

/** One thing a rule found that would fail at deploy time (or leave a delivery broken after it). */
export interface DeployTimeFinding {
  /** Logical id of the resource at fault. */
  readonly logicalId: string;
  /** What is wrong, with the value found and what AWS accepts. */
  readonly message: string;
}

/** A deploy-time rule: what it finds in `template`. Pure: reads the template, changes nothing. */
export type DeployTimeCheck = (template: CfnTemplate, context: DeployTimeContext) => DeployTimeFinding[];

/**
 * Length that a value known only at deploy time (a `Fn::GetAtt`, an ARN, a `Ref` to a resource whose name the
 * template does not fix) is counted as when a rule measures a size: the length of a long ARN
 * (`arn:aws:logs:ap-southeast-2:123456789012:log-group:` plus a 64-character name), so that a size computed
 * with it errs on the large side.
 */
export const UNRESOLVED_VALUE_LENGTH = 128;

/**
 * For the resource types whose `Ref` is their name: the property that fixes the name, and the longest name
 * of the type (a name CloudFormation generates is cut to it).
 */
const NAMED_BY_REF: Readonly<Record<string, { readonly property: string; readonly maxLength: number }>> = {
  'AWS::RDS::DBInstance': { property: 'DBInstanceIdentifier', maxLength: 63 },
  'AWS::RDS::DBCluster': { property: 'DBClusterIdentifier', maxLength: 63 },
  'AWS::RDS::DBParameterGroup': { property: 'DBParameterGroupName', maxLength: 255 },
  'AWS::RDS::DBClusterParameterGroup': { property: 'DBClusterParameterGroupName', maxLength: 255 },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', maxLength: 512 },
  'AWS::S3::Bucket': { property: 'BucketName', maxLength: 63 },
};

/**
 * Attributes whose deployed length AWS fixes, by resource type and attribute: a KMS key id is a UUID
 * (`1234abcd-12ab-34cd-56ef-1234567890ab`), or `mrk-` and 32 hexadecimal digits for a multi-Region key, 36
 * characters either way (AWS KMS Developer Guide, concepts.html#key-id-key-id).
 */
const FIXED_LENGTH_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'AWS::KMS::Key': { KeyId: 36 },
};

/**
 * A name CloudFormation generates joins the stack name, the logical id and a random suffix of up to 13
 * characters with hyphens ("MyStack-MyBucket-1ABC2DEF3GHI"): the characters it adds to the two.
 */
const GENERATED_NAME_EXTRA = 15;

/** The partition assumed for `AWS::Partition` when reading literal values. */
const PARTITION = 'aws';
/** An account id has 12 digits. */
const ACCOUNT_ID_LENGTH = 12;

/** Every resource of `type`, as [logical id, resource]. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, TemplateResource]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The properties of `resource` (an empty object when it has none). */
export function propsOf(resource: TemplateResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/** The logical id `value` names with `Ref` or `Fn::GetAtt`, if it is such a reference. */
export function referencedId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical id `value` refers to, anywhere inside (`Ref`, `Fn::GetAtt`, inside `Fn::Join` and the like). */
export function referencedIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedIds);
  if (value === null || typeof value !== 'object') return [];
  const own = referencedId(value);
  return [...(own ? [own] : []), ...Object.values(value as Record<string, unknown>).flatMap(referencedIds)];
}

/**
 * `value` as a string, when the template fixes it: a literal, or an `Fn::Join` of literals and the pseudo
 * parameters the context knows (`AWS::Partition`, `AWS::Region`). Undefined when any part is known only at
 * deploy time.
 */
export function literalString(value: unknown, context: DeployTimeContext = {}): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::Partition') return PARTITION;
  if (record.Ref === 'AWS::Region') return context.region;
  const join = record['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map((p) => literalString(p, context));
    return parts.every((p): p is string => p !== undefined) ? parts.join(join[0]) : undefined;
  }
  return undefined;
}

/** `value` as a number, when the template fixes it (CloudFormation accepts numbers written as strings). */
export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/**
 * The length the value of intrinsic `value` will have once deployed: a literal where the template fixes it,
 * the name of a resource that `Ref` names (its fixed name, or the longest name CloudFormation would generate
 * for it from the stack name), the length AWS fixes for some attributes (`FIXED_LENGTH_ATTRIBUTES`), and
 * `UNRESOLVED_VALUE_LENGTH` for anything else.
 */
export function deployedLength(value: unknown, template: CfnTemplate, context: DeployTimeContext): number {
  const literal = literalString(value, context);
  if (literal !== undefined) return literal.length;
  const ref = (value as { Ref?: unknown } | null)?.Ref;
  if (ref === 'AWS::AccountId') return ACCOUNT_ID_LENGTH;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    const fixedLength =
      FIXED_LENGTH_ATTRIBUTES[template.Resources?.[getAtt[0]]?.Type ?? '']?.[String(getAtt[1])];
    if (fixedLength !== undefined) return fixedLength;
  }
  if (ref === 'AWS::StackName' && context.stackName) return context.stackName.length;
  const resource = typeof ref === 'string' ? template.Resources?.[ref] : undefined;
  const named = resource ? NAMED_BY_REF[resource.Type] : undefined;
  if (typeof ref === 'string' && resource && named) {
    const fixed = literalString(propsOf(resource)[named.property], context);
    if (fixed !== undefined) return fixed.length;
    if (context.stackName) {
      return Math.min(named.maxLength, context.stackName.length + ref.length + GENERATED_NAME_EXTRA);
    }
  }
  return UNRESOLVED_VALUE_LENGTH;
}

/**
 * The length of `value` written as compact JSON, the form CloudFormation passes on, with every intrinsic
 * counted at its `deployedLength` and, when `withoutWhitespace`, white space outside and inside strings left
 * out (IAM does not count it).
 */
export function jsonLength(
  value: unknown,
  withoutWhitespace = false,
  template: CfnTemplate = {},
  context: DeployTimeContext = {},
): number {
  const standIn = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(standIn);
    if (v === null || typeof v !== 'object') return v;
    const record = v as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return 'x'.repeat(deployedLength(v, template, context));
    }
    return Object.fromEntries(keys.map((k) => [k, standIn(record[k])]));
  };
  const text = JSON.stringify(standIn(value)) ?? '';
  return withoutWhitespace ? text.replace(/\s/g, '').length : text.length;
}

/** A value that may be one item or a list, as a list. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** A finding on `logicalId`. */
export function finding(logicalId: string, message: string): DeployTimeFinding {
  return { logicalId, message };
}
