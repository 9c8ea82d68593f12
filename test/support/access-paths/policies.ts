/**
 * Every policy of a template, found by what it governs: the identity policies of a role (inline, `AWS::IAM::Policy`,
 * customer managed, AWS managed) and the policy of a resource (topic, queue, bucket, backup vault, function,
 * secret, key, role trust, CloudWatch Logs resource policy, repository). Each is resolved to concrete ARNs; a
 * policy that cannot be resolved is reported as a problem of the path that needs it.
 */
import AWS_MANAGED from './aws-managed-policies.json';
import { Resolved, TemplateResolver } from './resolve';
import { NamedPolicy, PolicyDocument, PolicyStatement } from './types';

/** Policies with the problems met while gathering them. */
export interface Gathered<T> {
  readonly value: T;
  readonly problems: readonly string[];
}

const AWS_MANAGED_POLICIES: Readonly<Record<string, { versionId: string; document: unknown }>> =
  AWS_MANAGED.policies;

/** A resolved policy document with `Statement` always a list. */
export function asDocument(value: unknown): PolicyDocument {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  const doc = (parsed ?? {}) as { Version?: string; Statement?: PolicyStatement | PolicyStatement[] };
  const statements = doc.Statement === undefined ? [] : ([] as PolicyStatement[]).concat(doc.Statement);
  return { ...(doc.Version ? { Version: doc.Version } : {}), Statement: statements };
}

/** Labels of a policy's statements: the Sid, or `statement N` (1-based) when it has none. */
export function statementLabels(policy: NamedPolicy): string[] {
  return policy.document.Statement.map((s, i) => s.Sid ?? `statement ${i + 1}`);
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

export class PolicyIndex {
  constructor(private readonly r: TemplateResolver) {}

  /** A resolved policy document, or the problem that prevents it. */
  public document(name: string, value: unknown): Gathered<NamedPolicy | undefined> {
    const resolved = this.r.resolve(value);
    if (!resolved.ok) return { value: undefined, problems: [`${name}: ${resolved.problem}`] };
    return { value: { name, document: asDocument(resolved.value) }, problems: [] };
  }

  /** The logical id of the role whose ARN is `roleArn`. */
  public roleIdByArn(roleArn: string): string | undefined {
    return this.r.findByValue('AWS::IAM::Role', roleArn, ['Arn']);
  }

  /** The identity policies attached to role `roleId`, and its permissions boundary. */
  public identityPolicies(roleId: string): Gathered<{ policies: NamedPolicy[]; boundaries: NamedPolicy[] }> {
    const role = this.r.resource(roleId);
    const policies: NamedPolicy[] = [];
    const boundaries: NamedPolicy[] = [];
    const problems: string[] = [];
    const take = (g: Gathered<NamedPolicy | undefined>, into: NamedPolicy[]) => {
      problems.push(...g.problems);
      if (g.value) into.push(g.value);
    };
    const props = role?.Properties ?? {};
    for (const inline of list(props.Policies) as { PolicyName?: unknown; PolicyDocument?: unknown }[]) {
      const name = this.r.resolveString(inline.PolicyName);
      take(this.document(`${roleId} inline ${name.ok ? name.value : '?'}`, inline.PolicyDocument), policies);
    }
    for (const managed of list(props.ManagedPolicyArns)) take(this.managedPolicy(managed), policies);
    if (props.PermissionsBoundary !== undefined)
      take(this.managedPolicy(props.PermissionsBoundary), boundaries);

    const roleName = this.r.ref(roleId);
    const attachedTo = (roles: unknown) =>
      list(roles).some((x) => {
        const name = this.r.resolveString(x);
        return roleName.ok && name.ok && name.value === roleName.value;
      });
    for (const [id, res] of this.r.resourcesOfType('AWS::IAM::Policy')) {
      if (attachedTo(res.Properties?.Roles))
        take(this.document(`${id} (AWS::IAM::Policy)`, res.Properties?.PolicyDocument), policies);
    }
    for (const [id, res] of this.r.resourcesOfType('AWS::IAM::ManagedPolicy')) {
      if (attachedTo(res.Properties?.Roles)) {
        take(this.document(`${id} (AWS::IAM::ManagedPolicy)`, res.Properties?.PolicyDocument), policies);
      }
    }
    if (!roleName.ok) problems.push(`role ${roleId}: ${roleName.problem}`);
    return { value: { policies, boundaries }, problems };
  }

  /**
   * A managed policy by ARN: one of the template's (its `Ref` is its ARN), or an AWS managed policy whose
   * document is vendored in aws-managed-policies.json; any other is a problem (its document is unknown).
   */
  private managedPolicy(value: unknown): Gathered<NamedPolicy | undefined> {
    const policyArn = this.r.resolveString(value);
    if (!policyArn.ok) return { value: undefined, problems: [`managed policy: ${policyArn.problem}`] };
    const inTemplate = this.r.findByValue('AWS::IAM::ManagedPolicy', policyArn.value);
    if (inTemplate) {
      const res = this.r.resource(inTemplate);
      return this.document(`${inTemplate} (AWS::IAM::ManagedPolicy)`, res?.Properties?.PolicyDocument);
    }
    const awsManaged = AWS_MANAGED_POLICIES[policyArn.value.replace(/^arn:aws[a-z-]*:/, 'arn:aws:')];
    if (awsManaged) {
      const name = policyArn.value.slice(policyArn.value.lastIndexOf('/') + 1);
      return {
        value: {
          name: `AWS managed ${name} (${awsManaged.versionId})`,
          document: asDocument(awsManaged.document),
        },
        problems: [],
      };
    }
    return {
      value: undefined,
      problems: [
        `managed policy ${policyArn.value}: its document is not known here (not in the template, not vendored)`,
      ],
    };
  }

  /** The trust policy of role `roleId`. */
  public trustPolicy(roleId: string): Gathered<NamedPolicy | undefined> {
    return this.document(
      `${roleId} trust policy`,
      this.r.resource(roleId)?.Properties?.AssumeRolePolicyDocument,
    );
  }

  /** The key policy of the key whose ARN is `keyArn`; a key of another stack or account is a problem. */
  public keyPolicy(keyArn: string): Gathered<NamedPolicy | undefined> & { readonly keyId?: string } {
    const keyId = this.r.findByValue('AWS::KMS::Key', keyArn, ['Arn']);
    if (!keyId) return { value: undefined, problems: [`key ${keyArn} is not a key of this template`] };
    const policy = this.r.resource(keyId)?.Properties?.KeyPolicy;
    // Without a KeyPolicy, KMS gives the key its default policy: the account's IAM policies decide.
    const document = policy ?? {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DefaultKeyPolicy',
          Effect: 'Allow',
          Principal: { AWS: `arn:${this.r.env.partition}:iam::${this.r.env.account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    };
    return { ...this.document(`key policy of ${keyId}`, document), keyId };
  }

  /** The KMS key ARN a `KmsKeyId`-like property names (key ARN, key id or alias of the template). */
  public keyArn(value: unknown): Resolved<string> {
    const resolved = this.r.resolveString(value);
    if (!resolved.ok) return resolved;
    const v = resolved.value;
    if (v.startsWith('arn:') && v.includes(':key/')) return resolved;
    const byId = this.r.findByValue('AWS::KMS::Key', v, ['Arn', 'KeyId']);
    if (byId) return this.r.getAtt(byId, 'Arn');
    const alias = v.startsWith('arn:') ? v.slice(v.indexOf(':alias/') + 1) : v;
    const aliasId = this.r.findByValue('AWS::KMS::Alias', alias);
    const target = aliasId ? this.r.resource(aliasId)?.Properties?.TargetKeyId : undefined;
    if (target !== undefined) return this.keyArn(target);
    return { ok: false, problem: `key ${v} is not a key of this template` };
  }

  /** The policy of the topic `topicArn`: its topic policy, or SNS's default policy when it has none. */
  public topicPolicy(topicArn: string): Gathered<NamedPolicy | undefined> {
    const found = this.policiesFor('AWS::SNS::TopicPolicy', 'Topics', 'PolicyDocument', topicArn);
    if (found.length > 1)
      return { value: undefined, problems: [`topic ${topicArn} has ${found.length} topic policies`] };
    if (found.length === 1) return found[0];
    // "Amazon SNS access control" (sns-access-policy-use-cases.html): the policy of a topic nobody set.
    return {
      value: {
        name: 'SNS default topic policy',
        document: {
          Version: '2008-10-17',
          Statement: [
            {
              Sid: 'DefaultStatement',
              Effect: 'Allow',
              Principal: { AWS: '*' },
              Action: [
                'SNS:GetTopicAttributes',
                'SNS:SetTopicAttributes',
                'SNS:AddPermission',
                'SNS:RemovePermission',
                'SNS:DeleteTopic',
                'SNS:Subscribe',
                'SNS:ListSubscriptionsByTopic',
                'SNS:Publish',
              ],
              Resource: topicArn,
              Condition: { StringEquals: { 'AWS:SourceOwner': this.r.env.account } },
            },
          ],
        },
      },
      problems: [],
    };
  }

  /** The queue policy of the queue `queueArn` (queue policies name queues by URL). */
  public queuePolicy(queueArn: string): Gathered<NamedPolicy | undefined> {
    const name = queueArn.split(':').pop();
    const url = `https://sqs.${this.r.env.region}.amazonaws.com/${this.r.env.account}/${name}`;
    return this.single(
      this.policiesFor('AWS::SQS::QueuePolicy', 'Queues', 'PolicyDocument', url),
      `queue ${queueArn}`,
    );
  }

  /** The bucket policy of the bucket `bucketName`. */
  public bucketPolicy(bucketName: string): Gathered<NamedPolicy | undefined> {
    return this.single(
      this.policiesFor('AWS::S3::BucketPolicy', 'Bucket', 'PolicyDocument', bucketName),
      `bucket ${bucketName}`,
    );
  }

  /** The resource policy of the secret `secretArn`. */
  public secretPolicy(secretArn: string): Gathered<NamedPolicy | undefined> {
    return this.single(
      this.policiesFor('AWS::SecretsManager::ResourcePolicy', 'SecretId', 'ResourcePolicy', secretArn),
      `secret ${secretArn}`,
    );
  }

  /** The access policy of the backup vault `vaultArn`. */
  public vaultPolicy(vaultArn: string): Gathered<NamedPolicy | undefined> {
    const id = this.r.findByValue('AWS::Backup::BackupVault', vaultArn, ['BackupVaultArn']);
    const policy = id ? this.r.resource(id)?.Properties?.AccessPolicy : undefined;
    return policy === undefined
      ? { value: undefined, problems: [] }
      : this.document(`${id} access policy`, policy);
  }

  /** The policy of the repository `repositoryArn`, when the template has the repository. */
  public repositoryPolicy(
    repositoryArn: string,
  ): Gathered<NamedPolicy | undefined> & { readonly inTemplate: boolean } {
    const id = this.r.findByValue('AWS::ECR::Repository', repositoryArn, ['Arn']);
    const policy = id ? this.r.resource(id)?.Properties?.RepositoryPolicyText : undefined;
    const gathered =
      policy === undefined
        ? { value: undefined, problems: [] }
        : this.document(`${id} repository policy`, policy);
    return { ...gathered, inTemplate: id !== undefined };
  }

  /** The account's CloudWatch Logs resource policies of the template, as one policy (they all apply). */
  public logsResourcePolicy(): Gathered<NamedPolicy | undefined> {
    const statements: PolicyStatement[] = [];
    const problems: string[] = [];
    const names: string[] = [];
    for (const [id, res] of this.r.resourcesOfType('AWS::Logs::ResourcePolicy')) {
      const g = this.document(`${id} (AWS::Logs::ResourcePolicy)`, res.Properties?.PolicyDocument);
      problems.push(...g.problems);
      if (g.value) {
        statements.push(
          ...g.value.document.Statement.map((s, i) => ({ Sid: s.Sid ?? `${id}${i + 1}`, ...s })),
        );
        names.push(id);
      }
    }
    if (statements.length === 0) return { value: undefined, problems };
    return {
      value: { name: names.join(' + '), document: { Version: '2012-10-17', Statement: statements } },
      problems,
    };
  }

  /**
   * The function's resource policy, built from its `AWS::Lambda::Permission` resources the way Lambda writes
   * each permission into the policy (AddPermission: SourceArn becomes `ArnLike AWS:SourceArn`, SourceAccount
   * `StringEquals AWS:SourceAccount`).
   */
  public functionPolicy(functionArn: string): Gathered<NamedPolicy | undefined> {
    const name = functionArn.split(':')[6];
    const statements: PolicyStatement[] = [];
    const problems: string[] = [];
    for (const [id, res] of this.r.resourcesOfType('AWS::Lambda::Permission')) {
      const props = this.r.resolve(res.Properties ?? {});
      if (!props.ok) {
        problems.push(`${id}: ${props.problem}`);
        continue;
      }
      const p = props.value as Record<string, string>;
      const target = p.FunctionName.startsWith('arn:')
        ? p.FunctionName.split(':')[6]
        : p.FunctionName.split(':')[0];
      if (target !== name) continue;
      const principal = p.Principal;
      const condition: Record<string, Record<string, string>> = {};
      if (p.SourceArn) condition.ArnLike = { 'AWS:SourceArn': p.SourceArn };
      if (p.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': p.SourceAccount };
      if (p.PrincipalOrgID)
        condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': p.PrincipalOrgID };
      statements.push({
        Sid: id,
        Effect: 'Allow',
        Principal:
          principal === '*'
            ? '*'
            : principal.endsWith('.amazonaws.com')
              ? { Service: principal }
              : { AWS: principal },
        Action: p.Action,
        Resource: functionArn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      });
    }
    if (statements.length === 0) return { value: undefined, problems };
    return {
      value: {
        name: `function policy of ${name}`,
        document: { Version: '2012-10-17', Statement: statements },
      },
      problems,
    };
  }

  private single(
    found: Gathered<NamedPolicy | undefined>[],
    what: string,
  ): Gathered<NamedPolicy | undefined> {
    if (found.length > 1) return { value: undefined, problems: [`${what} has ${found.length} policies`] };
    return found[0] ?? { value: undefined, problems: [] };
  }

  /** The policies of `type` whose `targets` property names `target` (after resolution). */
  private policiesFor(
    type: string,
    targets: string,
    documentProperty: string,
    target: string,
  ): Gathered<NamedPolicy | undefined>[] {
    const found: Gathered<NamedPolicy | undefined>[] = [];
    for (const [id, res] of this.r.resourcesOfType(type)) {
      const names = list(res.Properties?.[targets]).map((t) => this.r.resolveString(t));
      if (names.some((n) => n.ok && n.value === target)) {
        found.push(this.document(`${id} (${type})`, res.Properties?.[documentProperty]));
      } else if (names.some((n) => !n.ok)) {
        const problem = names.find((n) => !n.ok) as { problem: string };
        found.push({
          value: undefined,
          problems: [`${id}: cannot tell what it governs: ${problem.problem}`],
        });
      }
    }
    return found;
  }
}
