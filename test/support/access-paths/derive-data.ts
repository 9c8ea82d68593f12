/**
 * Paths that keep the data safe: AWS Backup's backup and restore-testing roles (vault, vault key, database,
 * the database's key) and the rotation of the database's secret (secret and key).
 */
import { HOSTED_ROTATION } from './handler-calls';
import { secretKeyPaths } from './derive-workloads';
import {
  DeriveContext,
  idOf,
  makePath,
  rolePath,
  roleIdOf,
  short,
  take,
  trustPath,
  unevaluablePath,
} from './paths';
import { CONTEXT_SOURCES, roleRequest, viaService } from './requests';
import { AccessPath, PathKind } from './types';

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

/** The database an ARN names: its logical id, whether it is a cluster, and the key that encrypts it. */
function databaseOf(
  ctx: DeriveContext,
  arn: string,
): { id?: string; cluster: boolean; keyArn?: string; problems: string[] } {
  const cluster = arn.split(':')[5] === 'cluster';
  const id = cluster
    ? idOf(ctx, 'AWS::RDS::DBCluster', arn, ['DBClusterArn'])
    : idOf(ctx, 'AWS::RDS::DBInstance', arn, ['DBInstanceArn']);
  if (!id) return { cluster, problems: [`${arn} is not a database of this template`] };
  let keyValue = ctx.r.resource(id)?.Properties?.KmsKeyId;
  const clusterOfInstance = ctx.r.resource(id)?.Properties?.DBClusterIdentifier;
  if (keyValue === undefined && clusterOfInstance !== undefined) {
    const clusterId = idOf(ctx, 'AWS::RDS::DBCluster', clusterOfInstance, []);
    keyValue = clusterId ? ctx.r.resource(clusterId)?.Properties?.KmsKeyId : undefined;
  }
  if (keyValue === undefined) return { id, cluster, problems: [] };
  const keyArn = ctx.policies.keyArn(keyValue);
  return keyArn.ok
    ? { id, cluster, keyArn: keyArn.value, problems: [] }
    : { id, cluster, problems: [keyArn.problem] };
}

/** A Backup role's use of a key: DescribeKey, and CreateGrant for the AWS resource (the service's grant). */
function keyPaths(
  ctx: DeriveContext,
  o: {
    kind: PathKind;
    caller: string;
    roleId: string;
    keyArn: string;
    what: string;
    via: string;
    actions: readonly string[];
  },
): AccessPath[] {
  const key = ctx.policies.keyPolicy(o.keyArn);
  return o.actions.map((action) =>
    rolePath(ctx, {
      kind: o.kind,
      caller: o.caller,
      target: `key ${key.keyId ? short(key.keyId) : o.keyArn} of ${o.what}`,
      description: action,
      roleId: o.roleId,
      action,
      resource: o.keyArn,
      context: {
        ...viaService(o.via, ctx.env.region, ctx.env.account),
        ...(action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}),
      },
      resourcePolicy: key,
    }),
  );
}

/** The vaults a backup plan's rules write to, by ARN. */
function vaultsOfPlan(ctx: DeriveContext, planValue: unknown, problems: string[]): string[] {
  const planId = ctx.r.referencedId(planValue);
  const rules = planId
    ? ((ctx.r.resource(planId)?.Properties?.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)
        ?.BackupPlanRule ?? [])
    : [];
  if (!planId) problems.push('the backup plan is not in this template');
  const vaults = new Set<string>();
  for (const rule of rules as { TargetBackupVault?: unknown }[]) {
    const id = idOf(ctx, 'AWS::Backup::BackupVault', rule.TargetBackupVault, ['BackupVaultName']);
    const arn = id ? take(ctx.r.getAtt(id, 'BackupVaultArn'), problems, 'vault') : undefined;
    if (arn) vaults.add(arn);
    else if (!id) problems.push('a rule targets a vault that is not in this template');
  }
  return [...vaults];
}

/** The vault-side paths of a Backup role: the vault (its access policy) and the vault's key. */
function vaultPaths(
  ctx: DeriveContext,
  kind: PathKind,
  caller: string,
  roleId: string,
  vaultArn: string,
): AccessPath[] {
  const vaultId = idOf(ctx, 'AWS::Backup::BackupVault', vaultArn, ['BackupVaultArn']);
  const paths = [
    rolePath(ctx, {
      kind,
      caller,
      target: `vault ${vaultId ? short(vaultId) : vaultArn}`,
      description: 'backup:DescribeBackupVault',
      roleId,
      action: 'backup:DescribeBackupVault',
      resource: vaultArn,
      resourcePolicy: ctx.policies.vaultPolicy(vaultArn),
    }),
  ];
  const keyValue = vaultId ? ctx.r.resource(vaultId)?.Properties?.EncryptionKeyArn : undefined;
  if (keyValue !== undefined) {
    const keyArn = ctx.policies.keyArn(keyValue);
    if (!keyArn.ok)
      paths.push(unevaluablePath(kind, caller, `key of vault ${short(vaultId as string)}`, keyArn.problem));
    else {
      paths.push(
        ...keyPaths(ctx, {
          kind,
          caller,
          roleId,
          keyArn: keyArn.value,
          what: `vault ${short(vaultId as string)}`,
          via: 'backup',
          actions: ['kms:DescribeKey', 'kms:CreateGrant'],
        }),
      );
    }
  }
  return paths;
}

/** Each backup selection's role: the database's snapshot, the database's key, the plan's vaults and keys. */
/**
 * The concrete ARN of a resource a backup or restore-testing selection names; when it has none (unresolvable, or
 * a pattern), the path is recorded as not evaluated and the result is undefined.
 */
function protectedArn(
  ctx: DeriveContext,
  kind: PathKind,
  who: { readonly caller: string; readonly as: string },
  resource: unknown,
  problems: string[],
  paths: AccessPath[],
): string | undefined {
  const arn = take(ctx.r.resolveString(resource), problems, who.caller);
  if (arn && !arn.includes('*')) return arn;
  paths.push(
    unevaluablePath(
      kind,
      who.as,
      arn ?? 'a resource',
      problems.join('; ') || `${arn} is a pattern, not a resource`,
    ),
  );
  return undefined;
}

export function backupPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, selection] of ctx.r.resourcesOfType('AWS::Backup::BackupSelection')) {
    const props = (selection.Properties ?? {}) as {
      BackupPlanId?: unknown;
      BackupSelection?: { IamRoleArn?: unknown; Resources?: unknown };
    };
    const caller = `backup ${short(id)}`;
    const problems: string[] = [];
    const roleId = roleIdOf(ctx, props.BackupSelection?.IamRoleArn);
    if (!roleId) {
      paths.push(unevaluablePath('backup', caller, 'its role', 'the backup role is not in this template'));
      continue;
    }
    const as = `${caller} as role ${short(roleId)}`;
    paths.push(trustPath(ctx, { service: 'backup.amazonaws.com', roleId, user: caller }));
    for (const resource of list(props.BackupSelection?.Resources)) {
      const arn = protectedArn(ctx, 'backup', { caller, as }, resource, problems, paths);
      if (arn === undefined) continue;
      const db = databaseOf(ctx, arn);
      const what = `database ${db.id ? short(db.id) : arn}`;
      const actions = db.cluster
        ? ['rds:DescribeDBClusters', 'rds:CreateDBClusterSnapshot']
        : ['rds:DescribeDBInstances', 'rds:CreateDBSnapshot'];
      paths.push(
        ...actions.map((action) =>
          rolePath(ctx, {
            kind: 'backup',
            caller: as,
            target: what,
            description: action,
            roleId,
            action,
            resource: arn,
            problems: db.problems,
          }),
        ),
      );
      if (db.keyArn) {
        paths.push(
          ...keyPaths(ctx, {
            kind: 'backup',
            caller: as,
            roleId,
            keyArn: db.keyArn,
            what,
            via: 'rds',
            actions: ['kms:DescribeKey', 'kms:CreateGrant'],
          }),
        );
      }
    }
    for (const vault of vaultsOfPlan(ctx, props.BackupPlanId, problems))
      paths.push(...vaultPaths(ctx, 'backup', as, roleId, vault));
    if (problems.length > 0) paths.push(unevaluablePath('backup', as, 'its plan', problems.join('; ')));
  }
  return paths;
}

/** Each restore-testing selection's role: the restore, its clean-up, the database's key, the included vaults. */
export function restoreTestingPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, selection] of ctx.r.resourcesOfType('AWS::Backup::RestoreTestingSelection')) {
    const props = selection.Properties ?? {};
    const caller = `restore test ${short(id)}`;
    const problems: string[] = [];
    const roleId = roleIdOf(ctx, props.IamRoleArn);
    if (!roleId) {
      paths.push(
        unevaluablePath(
          'restore-testing',
          caller,
          'its role',
          'the restore-testing role is not in this template',
        ),
      );
      continue;
    }
    const as = `${caller} as role ${short(roleId)}`;
    paths.push(trustPath(ctx, { service: 'backup.amazonaws.com', roleId, user: caller }));
    const rds = (kind: string, name: string) =>
      `arn:${ctx.env.partition}:rds:${ctx.env.region}:${ctx.env.account}:${kind}:${name}`;
    for (const resource of list(props.ProtectedResourceArns)) {
      const arn = protectedArn(ctx, 'restore-testing', { caller, as }, resource, problems, paths);
      if (arn === undefined) continue;
      const db = databaseOf(ctx, arn);
      const what = `database ${db.id ? short(db.id) : arn}`;
      // AWS Backup Developer Guide, restore-testing.html: the restore is made with the selection's role and
      // deleted when validation ends.
      const calls: [string, string][] = db.cluster
        ? [
            ['rds:RestoreDBClusterFromSnapshot', rds('cluster', 'awsbackup-restore-test-0123456789ab')],
            ['rds:CreateDBInstance', rds('db', 'awsbackup-restore-test-0123456789ab-1')],
            ['rds:DeleteDBInstance', rds('db', 'awsbackup-restore-test-0123456789ab-1')],
            ['rds:DeleteDBCluster', rds('cluster', 'awsbackup-restore-test-0123456789ab')],
          ]
        : [
            ['rds:RestoreDBInstanceFromDBSnapshot', rds('db', 'awsbackup-restore-test-0123456789ab')],
            ['rds:DeleteDBInstance', rds('db', 'awsbackup-restore-test-0123456789ab')],
          ];
      for (const [action, restored] of calls) {
        paths.push(
          rolePath(ctx, {
            kind: 'restore-testing',
            caller: as,
            target: `restored copy of ${what}`,
            description: action,
            roleId,
            action,
            resource: restored,
            problems: db.problems,
          }),
        );
      }
      if (db.keyArn) {
        paths.push(
          ...keyPaths(ctx, {
            kind: 'restore-testing',
            caller: as,
            roleId,
            keyArn: db.keyArn,
            what,
            via: 'rds',
            actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt'],
          }),
        );
      }
    }
    const planId = idOf(ctx, 'AWS::Backup::RestoreTestingPlan', props.RestoreTestingPlanName, []);
    const included = planId
      ? list(
          (
            ctx.r.resource(planId)?.Properties?.RecoveryPointSelection as
              { IncludeVaults?: unknown } | undefined
          )?.IncludeVaults,
        )
      : [];
    if (!planId) problems.push('the restore testing plan is not in this template');
    for (const vault of included) {
      const arn = take(ctx.r.resolveString(vault), problems, caller);
      if (arn && !arn.includes('*')) paths.push(...vaultPaths(ctx, 'restore-testing', as, roleId, arn));
    }
    if (problems.length > 0)
      paths.push(unevaluablePath('restore-testing', as, 'its plan', problems.join('; ')));
  }
  return paths;
}

/** Each rotation schedule: the rotation function's calls on the secret and its key. */
export function rotationPaths(ctx: DeriveContext): AccessPath[] {
  const paths: AccessPath[] = [];
  for (const [id, schedule] of ctx.r.resourcesOfType('AWS::SecretsManager::RotationSchedule')) {
    const props = schedule.Properties ?? {};
    const caller = `rotation ${short(id)}`;
    const problems: string[] = [];
    const secretArn = take(ctx.r.resolveString(props.SecretId), problems, caller);
    const hosted = props.HostedRotationLambda as
      { RotationLambdaName?: unknown; KmsKeyArn?: unknown } | undefined;
    if (!secretArn || !hosted) {
      paths.push(
        unevaluablePath(
          'rotation',
          caller,
          'its secret',
          problems.join('; ') || 'only hosted rotation functions are modelled',
        ),
      );
      continue;
    }
    const name =
      hosted.RotationLambdaName === undefined
        ? `${ctx.env.stackName}-${id}-rotation`
        : take(ctx.r.resolveString(hosted.RotationLambdaName), problems, caller);
    const kmsKeyArn =
      hosted.KmsKeyArn === undefined
        ? undefined
        : take(ctx.policies.keyArn(hosted.KmsKeyArn), problems, caller);
    if (!name || problems.length > 0) {
      paths.push(unevaluablePath('rotation', caller, 'its secret', problems.join('; ')));
      continue;
    }
    const functionArn = `arn:${ctx.env.partition}:lambda:${ctx.env.region}:${ctx.env.account}:function:${name}`;
    // The transform's role is not in the template: its name here is a stand-in, its policy the documented one.
    const roleArn = `arn:${ctx.env.partition}:iam::${ctx.env.account}:role/${name}-role`;
    const identity = {
      value: {
        policies: [
          {
            name: `${HOSTED_ROTATION.name} role policy`,
            document: HOSTED_ROTATION.rolePolicy(functionArn, kmsKeyArn),
          },
        ],
        boundaries: [],
      },
      problems: [],
    };
    const secretId = ctx.r.findByValue('AWS::SecretsManager::Secret', secretArn);
    const as = `${caller} function ${name}`;
    for (const action of HOSTED_ROTATION.secretCalls) {
      paths.push(
        makePath({
          kind: 'rotation',
          caller: as,
          target: `secret ${secretId ? short(secretId) : secretArn}`,
          description: action,
          request: roleRequest(roleArn, action, secretArn, ctx.env.account, {
            'secretsmanager:resource/AllowRotationLambdaArn': functionArn,
          }),
          identity,
          resourcePolicy: ctx.policies.secretPolicy(secretArn),
          problems: secretId ? [] : [`secret ${secretArn} is not in this template`],
          contextSource: CONTEXT_SOURCES.role,
        }),
      );
    }
    paths.push(
      ...secretKeyPaths(ctx, {
        kind: 'rotation',
        caller: as,
        roleArn,
        identity,
        secretId,
        secretArn,
        actions: HOSTED_ROTATION.keyCalls,
      }),
    );
  }
  return paths;
}
