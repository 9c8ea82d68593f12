import { DefaultStackSynthesizer, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';

/**
 * Context key under which a scope names the principals that administer its keys (`keyAdministrators`):
 * `SecureSchedulingStack` sets it; a standalone construct's stack can set it with `setKeyAdministrators`.
 */
export const KEY_ADMINISTRATORS_CONTEXT = 'secure-scheduling:keyAdministrators';

/**
 * What administering a key takes, and nothing that uses it: no Encrypt, Decrypt, GenerateDataKey or ReEncrypt,
 * no CreateGrant (grants are given to AWS resources only, below). The statement AWS writes for key
 * administrators ("Allows key administrators to administer the KMS key", KMS Developer Guide,
 * key-policy-default.html#key-policy-default-allow-administrators), with `kms:Create*` spelled out so that it
 * does not include `kms:CreateGrant`.
 */
export const KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
  'kms:CreateAlias',
  'kms:DescribeKey',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:RevokeGrant',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** Actions that use a key's material: never given to administrators, only to named users. */
export const KEY_USE_ACTION =
  /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|Sign|Verify|GenerateMac|DeriveSharedSecret|\*)/i;

/** An IAM role or user ARN (`arn:aws:iam::123456789012:role/path/name`). */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/** The problems with a list of key administrator ARNs, each naming `setting` and the value. */
export function keyAdministratorProblems(setting: string, arns: readonly string[]): string[] {
  const problems: string[] = [];
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) continue;
    if (/:root$/.test(arn) || /^\d{12}$/.test(arn)) {
      problems.push(
        `\`${setting}\` names the account itself ('${arn}'): that is the default, which leaves administration to the account's IAM policies; name the roles or users that administer the keys`,
      );
    } else if (!IAM_PRINCIPAL_ARN.test(arn)) {
      problems.push(
        `\`${setting}\` must hold IAM role or user ARNs like arn:aws:iam::123456789012:role/KeyAdmins, got '${arn}'`,
      );
    }
  }
  if (new Set(arns).size !== arns.length) {
    problems.push(`\`${setting}\` names a principal twice: ${JSON.stringify(arns)}`);
  }
  return problems;
}

/**
 * Names the principals that administer every key created below `scope` from now on (KMS key policies with
 * separated duties). Call it on the stack before creating constructs.
 */
export function setKeyAdministrators(scope: IConstruct, arns: readonly string[]): void {
  scope.node.setContext(KEY_ADMINISTRATORS_CONTEXT, [...arns]);
}

/** The key administrators named for `scope`, if any. */
export function keyAdministratorsOf(scope: IConstruct): readonly string[] {
  const value = scope.node.tryGetContext(KEY_ADMINISTRATORS_CONTEXT) as unknown;
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new Error(`context '${KEY_ADMINISTRATORS_CONTEXT}' must be a list of IAM role or user ARNs`);
  }
  return value as string[];
}

export interface SeparatedDutiesKeyProps extends Omit<kms.KeyProps, 'policy' | 'admins'> {
  /**
   * Services (`backup`, `ecr`) through which this account's principals may use the key, as the AWS managed key of
   * each service allows (`kms:ViaService` and `kms:CallerAccount`): for what the service does with the caller's
   * credentials, such as AWS Backup creating a vault under the key (which needs the caller's `kms:Decrypt`,
   * `kms:GenerateDataKey` and `kms:RetireGrant`: AWS Backup Developer Guide, create-a-vault.html). The caller still
   * needs the service's own permission for the resource.
   * @default - none
   */
  readonly usableThrough?: readonly string[];
}

/**
 * A customer managed key whose policy separates administering it from using it (checklist C3, C10):
 *
 * - **Administration** (change the policy, disable, schedule deletion) for the named key administrators when
 *   there are any, with the role CloudFormation deploys the stack with (KMS refuses a key policy that would
 *   lock out the principal that sets it: "key policy lockout safety check", key-policy-default.html); without
 *   named administrators, for the account's IAM policies, as AWS's default key policy does, so the key can
 *   never become unmanageable.
 * - **Use** only by the services and roles given it, each named in the key policy (a grant adds the grantee
 *   to the key policy as well as to its own policy): the account's IAM policies alone no longer let anyone
 *   encrypt or decrypt.
 * - **Grants** (`kms:CreateGrant`) for AWS resources only (`kms:GrantIsForAWSResource`), which is how RDS,
 *   AWS Backup and Amazon ECR attach the key to what they create.
 */
export class SeparatedDutiesKey extends kms.Key {
  /** The principals named as administrators; empty when the account's IAM policies administer the key. */
  public readonly administrators: readonly string[];

  constructor(scope: Construct, id: string, props: SeparatedDutiesKeyProps = {}) {
    // KMS's own default, written down: 30 days to cancel a deletion that the key-change alert reports.
    const { usableThrough, ...keyProps } = props;
    super(scope, id, {
      ...keyProps,
      pendingWindow: props.pendingWindow ?? Duration.days(30),
      policy: new iam.PolicyDocument(),
    });
    // A grant names its grantee in the key policy too (Grant.addToPrincipalAndResource), since this policy does
    // not hand use to the account's IAM policies.
    (this as unknown as { trustAccountIdentities: boolean }).trustAccountIdentities = false;

    const stack = Stack.of(this);
    const account = new iam.AccountRootPrincipal();
    this.administrators = keyAdministratorsOf(this);
    const deployer =
      stack.synthesizer instanceof DefaultStackSynthesizer
        ? // The synthesizer's ARN holds `${AWS::Partition}`-style placeholders that CloudFormation substitutes.
          [new iam.ArnPrincipal(Fn.sub(stack.synthesizer.cloudFormationExecutionRoleArn))]
        : [];
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'KeyAdministration',
        principals:
          this.administrators.length > 0
            ? [...this.administrators.map((arn) => new iam.ArnPrincipal(arn)), ...deployer]
            : [account],
        actions: [...KEY_ADMINISTRATION_ACTIONS],
        resources: ['*'],
      }),
    );
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DescribeKeyInThisAccount',
        principals: [account],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
    // The statement AWS writes as "Allow attachment of persistent resources" (key-policy-default.html): the
    // principals that create the stack's encrypted databases, vaults and repositories (CloudFormation's role,
    // AWS Backup's role) let the service attach the key; nobody gets a grant for themselves.
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsForAwsResourcesOnly',
        principals: [account],
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: ['*'],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    if (usableThrough && usableThrough.length > 0) {
      this.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'UseThroughServicesOfThisAccount',
          principals: [account],
          actions: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
            'kms:CreateGrant',
            'kms:RetireGrant',
            'kms:DescribeKey',
          ],
          resources: ['*'],
          conditions: {
            StringEquals: {
              'kms:CallerAccount': stack.account,
              'kms:ViaService': usableThrough.map(
                (service) => `${service}.${stack.region}.${stack.urlSuffix}`,
              ),
            },
          },
        }),
      );
    }
  }
}

/**
 * Names `publisher` in the policy of `topicKey` (the key of an encrypted SNS topic), for the key use SNS makes with
 * a publisher's credentials, through SNS only: a key with separated duties lets no one use it through IAM policies
 * alone, and aws-cdk-lib's topic grants add the key actions to the publisher's policy only. An imported key's
 * policy is its owner's to change: a no-op then.
 */
export function admitSnsPublisher(topicKey: kms.IKey | undefined, publisher: iam.IRole, sid: string): void {
  topicKey?.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [publisher],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(publisher).region}.amazonaws.com` } },
    }),
  );
}
