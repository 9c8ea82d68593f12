/**
 * The vocabulary of the access-path matrix: a template, the stack it describes, a path (one request a service or
 * role makes at run time) and what the policy engine decided about it.
 */

/** A synthesized CloudFormation template, as JSON. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Type?: string; readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly [section: string]: unknown;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly [attribute: string]: unknown;
}

/** Where the stack is deployed: the values `AWS::AccountId`, `AWS::Region`, ... resolve to. */
export interface StackEnvironment {
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'Stack' */
  readonly stackName?: string;
}

/** A policy document with the name it is reported by. */
export interface NamedPolicy {
  /** e.g. `AlertsPolicy (AWS::SNS::TopicPolicy)` or `AWS managed AWSLambdaBasicExecutionRole`. */
  readonly name: string;
  readonly document: PolicyDocument;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatement[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Context values of a request, as the calling service sends them. */
export type RequestContext = Record<string, string | string[]>;

/** One request as AWS would authorize it. */
export interface AccessRequest {
  /** A service principal (`cloudwatch.amazonaws.com`), a role session ARN or an account's root ARN. */
  readonly principal: string;
  readonly action: string;
  /** The concrete ARN the request is made on. */
  readonly resource: string;
  /** The account that owns the resource. */
  readonly resourceAccount: string;
  readonly context: RequestContext;
}

/**
 * The kinds of path; each is derived from one resource type of the template. A template that has that type
 * (with the property that makes the path) must yield at least one path of the kind.
 */
export type PathKind =
  | 'alarm-action'
  | 'alarm-action-key'
  | 'event-target'
  | 'event-target-key'
  | 'event-dead-letter'
  | 'event-dead-letter-key'
  | 'rds-event'
  | 'rds-event-key'
  | 'log-group-key'
  | 'masking-findings'
  | 'role-trust'
  | 'lambda-runtime'
  | 'lambda-code'
  | 'state-machine'
  | 'ecs-execution'
  | 'load-balancer-logs'
  | 'flow-logs'
  | 'waf-logs'
  | 'resolver-query-logs'
  | 'cloudtrail'
  | 's3-access-logs'
  | 'rds-monitoring'
  | 'backup'
  | 'restore-testing'
  | 'backup-copy'
  | 'backup-copy-key'
  | 'rotation';

/**
 * Kinds of path between two stacks of one app (a copy into another account's vault), derived from both
 * templates rather than from one resource type of one template.
 */
export type CrossStackPathKind = 'backup-copy' | 'backup-copy-key';

/** A request that must be denied, for the path to count as proven. */
export interface NegativeTwin {
  /** What differs from the path: `another account`, `an alarm that is not the stack's`, `no TLS`. */
  readonly label: string;
  readonly request: AccessRequest;
  /** The twin principal's own identity policies (another account's principal is given `*` on `*`). */
  readonly identityPolicies: readonly NamedPolicy[];
}

/** One access path the stack relies on at run time. */
export interface AccessPath {
  readonly kind: PathKind;
  /** Stable, readable: `alarm ServiceAlarmsUnhealthyTargets → topic Alerts`. */
  readonly description: string;
  /** Who calls, for people: `cloudwatch.amazonaws.com`, `role CertificateMonitorRole`. */
  readonly caller: string;
  /** What is called on, for people: `topic Alerts`, `key LogKey`. */
  readonly target: string;
  readonly request: AccessRequest;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly permissionBoundaries?: readonly NamedPolicy[];
  /** The resource's own policy (topic, queue, bucket, vault, function, secret, key, role trust), if any. */
  readonly resourcePolicy?: NamedPolicy;
  readonly twins: readonly NegativeTwin[];
  /** Why the path cannot be evaluated (an unresolvable value, an unknown managed policy, ...): it then fails. */
  readonly problems: readonly string[];
  /** The AWS documentation that says which context keys the caller sends. */
  readonly contextSource: string;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'Unevaluated';

export interface Verdict {
  readonly decision: Decision;
  /** The deciding statement(s): Sid, or a description when a statement has none. */
  readonly deciding: string;
  /** Conditions this harness evaluated itself (the engine ignores `kms:EncryptionContext:*`). */
  readonly standIn: readonly string[];
}

export interface MatrixRow {
  readonly path: AccessPath;
  readonly verdict: Verdict;
  readonly twins: readonly { readonly label: string; readonly verdict: Verdict }[];
  /** Allowed, and every twin denied. */
  readonly proven: boolean;
}
