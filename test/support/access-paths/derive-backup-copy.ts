/**
 * Paths between two stacks of one app: a backup plan's copy into a vault of another account (checklist C6,
 * separate storage). The request is derived from both templates: the source plan's CopyActions name the
 * destination vault, the source selection names the role the copy job runs as and the database whose key
 * encrypts the snapshot; the destination template holds the vault's access policy and the vault's key.
 *
 * AWS Backup Developer Guide, create-cross-account-backup.html: the copy job runs as the source plan's role,
 * which calls backup:CopyIntoBackupVault on the destination vault (allowed by the vault's access policy); the
 * destination account then copies the RDS snapshot, which is still encrypted with the source database's key
 * (shared with the destination account), and re-encrypts it with the destination vault's key.
 */
import { PolicyIndex } from './policies';
import { DeriveContext, makePath, roleIdOf, short, take, unevaluablePath } from './paths';
import { ANOTHER_ACCOUNTS_ADMIN, accountOf, roleRequest, viaService } from './requests';
import { fullEnvironment, TemplateResolver } from './resolve';
import { AccessPath, AccessRequest, CfnTemplate, NamedPolicy, StackEnvironment } from './types';

/** One stack of an app: its template and where it is deployed. */
export interface AppStack {
  readonly template: CfnTemplate;
  readonly env: StackEnvironment;
}

/** Where the context of these paths comes from. */
export const BACKUP_COPY_CONTEXT =
  "the copy job runs as the source plan's role (backup:CopyIntoBackupVault, AWS Backup Developer Guide, create-cross-account-backup.html); the destination account's AWS Backup copies the RDS snapshot through RDS, with kms:ViaService and kms:CallerAccount (KMS Developer Guide, conditions-kms.html; RDS User Guide, share-encrypted-snapshot.html)";

/** The role AWS Backup acts as in the destination account: its service-linked role. */
function backupServiceLinkedRole(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/aws-service-role/backup.amazonaws.com/AWSServiceRoleForBackup`;
}

/**
 * The service-linked role's own policy is AWS's (not in either template): it stands in as allowing everything
 * in its account, so that only the key policy under test decides.
 */
const SERVICE_LINKED_ROLE: NamedPolicy = {
  name: "AWS Backup's service-linked role (stand-in: its own policy is AWS's)",
  document: ANOTHER_ACCOUNTS_ADMIN.document,
};

function contextOf(stack: AppStack): DeriveContext {
  const r = new TemplateResolver(stack.template, stack.env);
  return { r, policies: new PolicyIndex(r), env: fullEnvironment(stack.env) };
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

/** The copy destinations of each plan of a template, by plan id: `{ planId, arn }`. */
function copyDestinations(ctx: DeriveContext, problems: string[]): { planId: string; arn: string }[] {
  const found: { planId: string; arn: string }[] = [];
  for (const [planId, plan] of ctx.r.resourcesOfType('AWS::Backup::BackupPlan')) {
    const rules = (plan.Properties?.BackupPlan as { BackupPlanRule?: unknown[] } | undefined)?.BackupPlanRule;
    for (const rule of list(rules) as { CopyActions?: unknown }[]) {
      for (const action of list(rule.CopyActions) as { DestinationBackupVaultArn?: unknown }[]) {
        const arn = take(ctx.r.resolveString(action.DestinationBackupVaultArn), problems, `plan ${planId}`);
        if (arn && !found.some((f) => f.planId === planId && f.arn === arn)) found.push({ planId, arn });
      }
    }
  }
  return found;
}

/** True when some plan of the app copies into a vault of another account: the copy paths are then expected. */
export function copiesToAnotherAccount(stacks: readonly AppStack[]): boolean {
  return stacks.some((stack) => {
    const ctx = contextOf(stack);
    return copyDestinations(ctx, []).some(({ arn }) => accountOf(arn) !== ctx.env.account);
  });
}

/** The key that encrypts the database an ARN names, in the source template. */
function databaseKeyArn(ctx: DeriveContext, arn: string, problems: string[]): string | undefined {
  const cluster = arn.split(':')[5] === 'cluster';
  const id = cluster
    ? ctx.r.findByValue('AWS::RDS::DBCluster', arn, ['DBClusterArn'])
    : ctx.r.findByValue('AWS::RDS::DBInstance', arn, ['DBInstanceArn']);
  const keyValue = id ? ctx.r.resource(id)?.Properties?.KmsKeyId : undefined;
  if (keyValue === undefined) {
    problems.push(`${arn} is not an encrypted database of this template`);
    return undefined;
  }
  return take(ctx.policies.keyArn(keyValue), problems, `database ${id}`);
}

/** Every copy from one stack's plan into another stack's vault in another account, with its key paths. */
export function backupCopyPaths(stacks: readonly AppStack[]): AccessPath[] {
  const contexts = stacks.map(contextOf);
  const paths: AccessPath[] = [];
  for (const src of contexts) {
    const problems: string[] = [];
    for (const { planId, arn } of copyDestinations(src, problems)) {
      const destAccount = accountOf(arn);
      if (destAccount === src.env.account) continue;
      const dest = contexts.find(
        (c) =>
          c !== src && c.r.findByValue('AWS::Backup::BackupVault', arn, ['BackupVaultArn']) !== undefined,
      );
      const caller = `backup plan ${short(planId)} of ${src.env.stackName}`;
      if (!dest) {
        paths.push(
          unevaluablePath('backup-copy', caller, arn, 'the destination vault is not a vault of this app'),
        );
        continue;
      }
      const vaultId = dest.r.findByValue('AWS::Backup::BackupVault', arn, ['BackupVaultArn']) as string;
      const target = `vault ${short(vaultId)} of ${dest.env.stackName}`;
      const selections = [...src.r.resourcesOfType('AWS::Backup::BackupSelection')].filter(
        ([, s]) => src.r.referencedId(s.Properties?.BackupPlanId) === planId,
      );
      for (const [selectionId, selection] of selections) {
        const props = selection.Properties?.BackupSelection as
          { IamRoleArn?: unknown; Resources?: unknown } | undefined;
        const roleId = roleIdOf(src, props?.IamRoleArn);
        if (!roleId) {
          paths.push(
            unevaluablePath('backup-copy', caller, target, `selection ${selectionId} has no role here`),
          );
          continue;
        }
        const roleProblems: string[] = [];
        const roleArn = take(src.r.getAtt(roleId, 'Arn'), roleProblems, `role ${roleId}`) ?? '';
        paths.push(
          makePath({
            kind: 'backup-copy',
            caller: `${caller} as role ${short(roleId)}`,
            target,
            description: 'backup:CopyIntoBackupVault',
            request: roleRequest(roleArn, 'backup:CopyIntoBackupVault', arn, destAccount),
            identity: src.policies.identityPolicies(roleId),
            resourcePolicy: dest.policies.vaultPolicy(arn),
            problems: roleProblems,
            contextSource: BACKUP_COPY_CONTEXT,
            foreignTwin: 'principal',
          }),
        );
        // The destination account's AWS Backup copies the snapshot, encrypted with the database's key.
        for (const resource of list(props?.Resources)) {
          const dbProblems: string[] = [];
          const dbArn = take(src.r.resolveString(resource), dbProblems, caller);
          const keyArn = dbArn ? databaseKeyArn(src, dbArn, dbProblems) : undefined;
          if (!keyArn) {
            paths.push(unevaluablePath('backup-copy-key', caller, 'the database key', dbProblems.join('; ')));
            continue;
          }
          paths.push(
            ...keyPaths(src, dest, {
              keyArn,
              what: `database key ${short(src.policies.keyPolicy(keyArn).keyId ?? keyArn)} of ${src.env.stackName}`,
              actions: ['kms:DescribeKey', 'kms:CreateGrant'],
            }),
          );
        }
      }
      // ... and re-encrypts it with the destination vault's key.
      const vaultKey = dest.r.resource(vaultId)?.Properties?.EncryptionKeyArn;
      const keyArn = vaultKey === undefined ? undefined : dest.policies.keyArn(vaultKey);
      if (!keyArn?.ok) {
        paths.push(
          unevaluablePath(
            'backup-copy-key',
            caller,
            `key of ${target}`,
            keyArn?.problem ?? 'the vault has no key of its own',
          ),
        );
        continue;
      }
      paths.push(
        ...keyPaths(dest, dest, {
          keyArn: keyArn.value,
          what: `key ${short(dest.policies.keyPolicy(keyArn.value).keyId ?? keyArn.value)} of ${target}`,
          actions: ['kms:DescribeKey', 'kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey'],
        }),
      );
    }
    if (problems.length > 0)
      paths.push(unevaluablePath('backup-copy', src.env.stackName, 'its copy actions', problems.join('; ')));
  }
  return paths;
}

/**
 * The destination account's AWS Backup using a key of `owner` through RDS: each action, with twins of another
 * account and of a use not made through RDS or AWS Backup.
 */
function keyPaths(
  owner: DeriveContext,
  dest: DeriveContext,
  o: { readonly keyArn: string; readonly what: string; readonly actions: readonly string[] },
): AccessPath[] {
  const slr = backupServiceLinkedRole(dest.env.partition, dest.env.account);
  const key = owner.policies.keyPolicy(o.keyArn);
  return o.actions.map((action) => {
    const request: AccessRequest = roleRequest(slr, action, o.keyArn, owner.env.account, {
      ...viaService('rds', dest.env.region, dest.env.account),
      ...(action === 'kms:CreateGrant' ? { 'kms:GrantIsForAWSResource': 'true' } : {}),
    });
    const direct = { ...request, context: { ...request.context } };
    delete (direct.context as Record<string, unknown>)['kms:ViaService'];
    if (action === 'kms:CreateGrant') direct.context['kms:GrantIsForAWSResource'] = 'false';
    return makePath({
      kind: 'backup-copy-key',
      caller: `AWS Backup of account ${dest.env.account}`,
      target: o.what,
      description: action,
      request,
      identity: { value: { policies: [SERVICE_LINKED_ROLE], boundaries: [] }, problems: [] },
      resourcePolicy: key,
      contextSource: BACKUP_COPY_CONTEXT,
      foreignTwin: 'principal',
      twins:
        // DescribeKey reads no key material: the destination account may describe the key directly.
        action === 'kms:DescribeKey'
          ? []
          : [{ label: 'not through RDS or AWS Backup, for itself', request: direct }],
    });
  });
}
