/**
 * Which data-holding resources a stack update would replace or remove, read offline from the template before
 * and the template after with `@aws-cdk/cloudformation-diff`, the library behind `cdk diff`.
 *
 * cloudformation-diff judges each changed property by the CloudFormation resource specification: "yes" (the
 * property is immutable: replacement), "maybe" (the legacy specification's `UpdateType: Conditional`) or "no".
 * A few "maybe" properties are documented by the CloudFormation Template Reference as updated in place
 * ("Update requires: Some interruptions"); `IN_PLACE_UPDATES` lists them with the page that says so, and only
 * those are not reported as a possible replacement. A renamed logical id is, to CloudFormation, a removal plus
 * an addition: it is reported as such (or as `moved` when the old resource is retained, see below).
 */
import type * as CloudFormationDiff from '@aws-cdk/cloudformation-diff';
import type { ResourceDifference } from '@aws-cdk/cloudformation-diff';

let cloudFormationDiffModule: typeof CloudFormationDiff | undefined;

/**
 * cloudformation-diff, loaded when a comparison first needs it: every program that imports the library (a CDK
 * app at each synth) would otherwise load it, its table printer and its diff engine for nothing.
 */
function cloudFormationDiff(): typeof CloudFormationDiff {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  cloudFormationDiffModule ??= require('@aws-cdk/cloudformation-diff') as typeof CloudFormationDiff;
  return cloudFormationDiffModule;
}

/** A resource of a CloudFormation template, as far as this analysis reads it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** A CloudFormation template (plain JSON). */
export interface CloudFormationTemplate {
  readonly Resources?: Record<string, TemplateResource>;
  readonly [key: string]: unknown;
}

/**
 * The resource types that hold data, and what each holds: what a replacement or a removal loses. A KMS key
 * holds no data itself, but whatever it encrypted is unreadable without it.
 */
export const DATA_HOLDING_TYPES: Readonly<Record<string, string>> = {
  'AWS::RDS::DBInstance': 'the database',
  'AWS::RDS::DBCluster': 'the database cluster',
  'AWS::KMS::Key': 'the key, without which what it encrypted cannot be read',
  'AWS::S3::Bucket': 'its objects',
  'AWS::SecretsManager::Secret': 'the secret value',
  'AWS::Logs::LogGroup': 'its log events',
  'AWS::Backup::BackupVault': 'its recovery points',
  'AWS::SQS::Queue': 'its messages',
  'AWS::Cognito::UserPool': 'its users and their second factors',
  'AWS::ECR::Repository': 'its images',
  'AWS::DynamoDB::Table': 'its items',
  'AWS::DynamoDB::GlobalTable': 'its items',
  'AWS::EFS::FileSystem': 'its files',
};

/** Whether a resource holds data. An instance of an Aurora cluster holds none of its own: the cluster does. */
export function holdsData(resource: TemplateResource | undefined): boolean {
  if (resource === undefined || !Object.prototype.hasOwnProperty.call(DATA_HOLDING_TYPES, resource.Type)) {
    return false;
  }
  return !(
    resource.Type === 'AWS::RDS::DBInstance' && resource.Properties?.DBClusterIdentifier !== undefined
  );
}

/** A property cloudformation-diff reads as "may replace" that CloudFormation documents as updated in place. */
export interface InPlaceUpdate {
  readonly resourceType: string;
  readonly property: string;
  /** What AWS does instead of replacing the resource. */
  readonly effect: string;
  /** The CloudFormation Template Reference entry that documents the update behaviour. */
  readonly reference: string;
}

const RDS_INSTANCE_REFERENCE =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html';

/**
 * Updates in place that the legacy resource specification marks `Conditional` (read as "may replace"): each
 * entry's reference says "Update requires: Some interruptions", which is never a replacement.
 */
export const IN_PLACE_UPDATES: readonly InPlaceUpdate[] = [
  {
    resourceType: 'AWS::RDS::DBInstance',
    property: 'BackupRetentionPeriod',
    effect:
      'updated in place (Update requires: Some interruptions); RDS has an outage only when backups are turned on or off (0 days)',
    reference: `${RDS_INSTANCE_REFERENCE}#cfn-rds-dbinstance-backupretentionperiod`,
  },
  {
    resourceType: 'AWS::RDS::DBInstance',
    property: 'MultiAZ',
    effect: 'updated in place (Update requires: Some interruptions); RDS adds or removes the standby',
    reference: `${RDS_INSTANCE_REFERENCE}#cfn-rds-dbinstance-multiaz`,
  },
  {
    resourceType: 'AWS::RDS::DBInstance',
    property: 'DBParameterGroupName',
    effect:
      'updated in place (Update requires: Some interruptions); the instance reboots when the group holds static parameters',
    reference: `${RDS_INSTANCE_REFERENCE}#cfn-rds-dbinstance-dbparametergroupname`,
  },
];

/**
 * A replacement that a setting avoids: what to do instead, appended to the guard's message. S3 turns Object
 * Lock on for an existing versioned bucket (`PutObjectLockConfiguration`,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html), which CloudFormation's
 * `ObjectLockEnabled` cannot do without a new bucket.
 */
export interface ReplacementRemedy {
  readonly resourceType: string;
  readonly property: string;
  /** Whether the remedy fits this change of the property's value. */
  readonly applies: (before: unknown, after: unknown) => boolean;
  readonly remedy: string;
}

export const REPLACEMENT_REMEDIES: readonly ReplacementRemedy[] = [
  {
    resourceType: 'AWS::S3::Bucket',
    property: 'ObjectLockEnabled',
    applies: (before, after) => before !== true && before !== 'true' && (after === true || after === 'true'),
    remedy:
      "to keep the bucket, turn Object Lock on in place instead: for the audit trail's bucket set `trailObjectLockEnablement` to 'in-place' (see docs/updates.md)",
  },
  {
    resourceType: 'AWS::S3::Bucket',
    property: 'ObjectLockEnabled',
    applies: (before, after) => (before === true || before === 'true') && after !== true && after !== 'true',
    remedy:
      "S3 cannot turn Object Lock off: keep the setting the bucket was created with (`trailObjectLockEnablement` 'at-creation' for the audit trail's bucket)",
  },
];

/**
 * What an update does to a data-holding resource:
 * - `replaced`: CloudFormation creates a new, empty resource and moves the stack to it;
 * - `may-be-replaced`: a property that may require replacement changes (CloudFormation decides at deploy time);
 * - `removed`: the resource leaves the template and is deleted (a database after its final snapshot);
 * - `moved`: the resource leaves the template and is retained, while a new one of the same type is added at a
 *   construct path that differs in one construct id: a renamed construct, whose data stays behind;
 * - `kept-unmanaged`: the resource leaves the template and is retained (`DeletionPolicy: Retain`): its data is
 *   kept in the account, but the stack no longer manages or watches it;
 * - `updated-in-place`: only `IN_PLACE_UPDATES` stand behind a "may replace".
 * The first four lose data (or lose the stack's hold of it) and block; the last two are reported only.
 */
export const STATEFUL_CHANGE_KINDS = [
  'replaced',
  'may-be-replaced',
  'removed',
  'moved',
  'kept-unmanaged',
  'updated-in-place',
] as const;

export type StatefulChangeKind = (typeof STATEFUL_CHANGE_KINDS)[number];

/** The kinds that lose data: the guard fails on these. */
export const BLOCKING_KINDS: readonly StatefulChangeKind[] = [
  'replaced',
  'may-be-replaced',
  'removed',
  'moved',
];

/** A property whose change causes (or might cause) the replacement. */
export interface ReplacementCause {
  /** The property, or `Type` when the resource type itself changes. */
  readonly property: string;
  /** `replace` and `may-replace` as cloudformation-diff reads the specification; `in-place` per `IN_PLACE_UPDATES`. */
  readonly effect: 'replace' | 'may-replace' | 'in-place';
  /** For `in-place`: what AWS does, and where that is documented. */
  readonly note?: string;
  readonly reference?: string;
}

/** One data-holding resource that an update replaces, may replace, removes or moves. */
export interface StatefulChange {
  readonly kind: StatefulChangeKind;
  /** Whether it loses data: the guard fails. */
  readonly blocking: boolean;
  readonly logicalId: string;
  /** The construct path (`aws:cdk:path` metadata), when the template has it. */
  readonly constructPath?: string;
  readonly resourceType: string;
  /** The properties behind a replacement or an in-place update. */
  readonly causes: readonly ReplacementCause[];
  /** For `moved`: the new resource that takes its place. */
  readonly replacedBy?: { readonly logicalId: string; readonly constructPath?: string };
  /** One sentence for a person. */
  readonly message: string;
}

/** Everything the update does to the data-holding resources of the template before. */
export interface StatefulChangeReport {
  /** No change blocks. */
  readonly ok: boolean;
  /** Blocking changes first, then by logical id. */
  readonly changes: readonly StatefulChange[];
  /** How many data-holding resources the template before has. */
  readonly dataHoldingResources: number;
}

/**
 * Compares two templates (the stack's current template and the one about to be deployed) and reports every
 * data-holding resource of `before` that the update would replace, may replace, remove or move.
 */
export function statefulChanges(
  before: CloudFormationTemplate,
  after: CloudFormationTemplate,
): StatefulChangeReport {
  const { fullDiff, ResourceImpact } = cloudFormationDiff();
  const diff = fullDiff(before as Record<string, unknown>, after as Record<string, unknown>);
  const added: Array<[string, TemplateResource]> = [];
  const leaving: Array<[string, TemplateResource]> = [];
  const changes: StatefulChange[] = [];

  diff.resources.forEachDifference((logicalId, change) => {
    if (change.isAddition && holdsData(change.newValue as TemplateResource)) {
      added.push([logicalId, change.newValue as TemplateResource]);
    }
  });
  diff.resources.forEachDifference((logicalId, change) => {
    const old = change.oldValue as TemplateResource | undefined;
    if (!holdsData(old)) return;
    switch (change.changeImpact) {
      case ResourceImpact.WILL_REPLACE:
      case ResourceImpact.MAY_REPLACE:
        changes.push(replacement(logicalId, old!, change));
        break;
      case ResourceImpact.WILL_DESTROY:
        changes.push(removal(logicalId, old!));
        break;
      case ResourceImpact.WILL_ORPHAN:
        leaving.push([logicalId, old!]);
        break;
      default:
        break;
    }
  });

  // A retained resource that leaves while one of its type arrives under a construct path one id apart is a
  // renamed construct: the stack moves to a new, empty resource and the data stays behind in the old one.
  const unpaired = [...added];
  for (const [logicalId, old] of leaving) {
    const index = unpaired.findIndex(
      ([, fresh]) => fresh.Type === old.Type && pathsOneIdApart(constructPathOf(old), constructPathOf(fresh)),
    );
    if (index >= 0) {
      const [freshId, fresh] = unpaired.splice(index, 1)[0];
      changes.push(moved(logicalId, old, freshId, fresh));
    } else {
      changes.push(keptUnmanaged(logicalId, old));
    }
  }

  changes.sort(
    (a, b) => Number(b.blocking) - Number(a.blocking) || a.logicalId.localeCompare(b.logicalId, 'en'),
  );
  return {
    ok: changes.every((c) => !c.blocking),
    changes,
    dataHoldingResources: Object.values(before.Resources ?? {}).filter(holdsData).length,
  };
}

/**
 * The data-holding resources of a template, each with its type, properties, policies and construct path
 * only: what a fixture of a released template keeps, so that later releases can be checked against it.
 */
export function dataHoldingResourcesOf(template: CloudFormationTemplate): CloudFormationTemplate {
  const resources: Record<string, TemplateResource> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {}).sort(([a], [b]) =>
    a.localeCompare(b, 'en'),
  )) {
    if (!holdsData(resource)) continue;
    const path = constructPathOf(resource);
    resources[logicalId] = {
      Type: resource.Type,
      ...(resource.Properties === undefined ? {} : { Properties: resource.Properties }),
      ...(resource.DeletionPolicy === undefined ? {} : { DeletionPolicy: resource.DeletionPolicy }),
      ...(resource.UpdateReplacePolicy === undefined
        ? {}
        : { UpdateReplacePolicy: resource.UpdateReplacePolicy }),
      ...(path === undefined ? {} : { Metadata: { 'aws:cdk:path': path } }),
    };
  }
  return { Resources: resources };
}

/** The construct path CDK writes into a resource's metadata, when it did. */
export function constructPathOf(resource: TemplateResource): string | undefined {
  const path = resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

function replacement(logicalId: string, old: TemplateResource, change: ResourceDifference): StatefulChange {
  const { ResourceImpact } = cloudFormationDiff();
  const causes: ReplacementCause[] = [];
  if (change.resourceTypeChanged) {
    causes.push({ property: 'Type', effect: 'replace' });
  }
  for (const [property, update] of Object.entries(change.propertyUpdates)) {
    if (update.changeImpact === ResourceImpact.WILL_REPLACE) {
      causes.push({ property, effect: 'replace' });
    } else if (update.changeImpact === ResourceImpact.MAY_REPLACE) {
      const known = IN_PLACE_UPDATES.find((u) => u.resourceType === old.Type && u.property === property);
      causes.push(
        known
          ? { property, effect: 'in-place', note: known.effect, reference: known.reference }
          : { property, effect: 'may-replace' },
      );
    }
  }
  const fresh = change.newValue as TemplateResource | undefined;
  const subject = describe(logicalId, old, fresh);
  if (causes.length > 0 && causes.every((c) => c.effect === 'in-place')) {
    return {
      ...identity(logicalId, old, fresh),
      kind: 'updated-in-place',
      blocking: false,
      causes,
      message: `${subject} is updated in place: ${causes.map((c) => `${c.property} ${c.note}`).join('; ')}`,
    };
  }
  const certain = causes.filter((c) => c.effect === 'replace');
  const kind: StatefulChangeKind =
    change.changeImpact === ResourceImpact.WILL_REPLACE || certain.length > 0
      ? 'replaced'
      : 'may-be-replaced';
  const blamed = causes.filter((c) => c.effect !== 'in-place');
  const why =
    blamed.length === 0
      ? 'a property it references is replaced'
      : blamed
          .map((c) =>
            c.property === 'Type'
              ? 'its type changes'
              : `${c.property} ${c.effect === 'replace' ? 'requires' : 'may require'} replacement`,
          )
          .join(', ');
  const kept = ['Retain', 'Snapshot'].includes(old.UpdateReplacePolicy ?? '')
    ? ` (the old one is kept by its UpdateReplacePolicy ${old.UpdateReplacePolicy}, but the stack moves to the new one)`
    : '';
  const remedies = blamed.flatMap((c) => {
    const update = change.propertyUpdates[c.property];
    return REPLACEMENT_REMEDIES.filter(
      (r) =>
        r.resourceType === old.Type &&
        r.property === c.property &&
        r.applies(update?.oldValue, update?.newValue),
    ).map((r) => `; ${r.remedy}`);
  });
  return {
    ...identity(logicalId, old, fresh),
    kind,
    blocking: true,
    causes,
    message: `${subject} ${kind === 'replaced' ? 'would be replaced' : 'may be replaced'}: ${why}; a new, empty resource would take its place and ${DATA_HOLDING_TYPES[old.Type]} would be left behind${kept}${remedies.join('')}`,
  };
}

function removal(logicalId: string, old: TemplateResource): StatefulChange {
  const policy = old.DeletionPolicy ?? 'Delete';
  const fate =
    policy === 'Snapshot'
      ? 'deleted after a final snapshot (DeletionPolicy Snapshot)'
      : `deleted with ${DATA_HOLDING_TYPES[old.Type]} (DeletionPolicy ${policy})`;
  return {
    ...identity(logicalId, old),
    kind: 'removed',
    blocking: true,
    causes: [],
    message: `${describe(logicalId, old)} would be removed from the stack and ${fate}`,
  };
}

function moved(
  logicalId: string,
  old: TemplateResource,
  freshId: string,
  fresh: TemplateResource,
): StatefulChange {
  const freshPath = constructPathOf(fresh);
  return {
    ...identity(logicalId, old),
    kind: 'moved',
    blocking: true,
    causes: [],
    replacedBy: { logicalId: freshId, ...(freshPath === undefined ? {} : { constructPath: freshPath }) },
    message: `${describe(logicalId, old)} would leave the stack (kept by DeletionPolicy ${old.DeletionPolicy}) while a new, empty ${old.Type} ${freshId}${freshPath ? ` (${freshPath})` : ''} takes its place: a renamed construct leaves ${DATA_HOLDING_TYPES[old.Type]} behind`,
  };
}

function keptUnmanaged(logicalId: string, old: TemplateResource): StatefulChange {
  return {
    ...identity(logicalId, old),
    kind: 'kept-unmanaged',
    blocking: false,
    causes: [],
    message: `${describe(logicalId, old)} would leave the stack: kept in the account with ${DATA_HOLDING_TYPES[old.Type]} (DeletionPolicy ${old.DeletionPolicy}), no longer managed or watched by the stack`,
  };
}

/** The resource's logical id, type and construct path (from the template after when the one before has none). */
function identity(logicalId: string, old: TemplateResource, fresh?: TemplateResource) {
  const constructPath = constructPathOf(old) ?? (fresh ? constructPathOf(fresh) : undefined);
  return { logicalId, resourceType: old.Type, ...(constructPath === undefined ? {} : { constructPath }) };
}

function describe(logicalId: string, old: TemplateResource, fresh?: TemplateResource): string {
  const { constructPath } = identity(logicalId, old, fresh);
  return `${logicalId} (${constructPath ? `${constructPath}, ` : ''}${old.Type})`;
}

/** Whether two construct paths have the same depth and differ in at most one construct id. */
function pathsOneIdApart(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const left = a.split('/');
  const right = b.split('/');
  return left.length === right.length && left.filter((id, i) => id !== right[i]).length <= 1;
}
