import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * An IAM role whose granted permissions land in one customer-managed policy instead of an inline policy.
 * A managed policy is versioned, can be reviewed and reused on its own, and is what HIPAA, NIST 800-53 and
 * PCI DSS ask for (IAMNoInlinePolicy). Grants work as usual: `secret.grantRead(role)` adds a statement to it.
 * The policy is created with the first grant, so a role that is granted nothing has no policy at all.
 */
export class ManagedPolicyRole extends iam.Role {
  private managedPolicy?: iam.ManagedPolicy;

  /** The customer-managed policy holding every permission granted to this role, once one was granted. */
  public get policy(): iam.ManagedPolicy | undefined {
    return this.managedPolicy;
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.managedPolicy ??= new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions of ${this.node.path}`,
      roles: [this],
    });
    this.managedPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.managedPolicy };
  }
}
