import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SeparatedDutiesKey } from '../private/separated-key';

export interface LogEncryptionKeyProps {
  /**
   * Description shown in the KMS console.
   * @default 'Encrypts the CloudWatch Logs log groups of secure-scheduling'
   */
  readonly description?: string;

  /**
   * What happens to the key when it leaves the stack. Deleting the key makes every log it encrypted unreadable.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A customer-managed KMS key, rotated yearly, that CloudWatch Logs may use for the log groups of this
 * account and region only (checklist C5, C7).
 */
export class LogEncryptionKey extends Construct {
  /** The key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new SeparatedDutiesKey(this, 'Resource', {
      description: props.description ?? 'Encrypts the CloudWatch Logs log groups of secure-scheduling',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // CloudWatch Logs uses the key on behalf of a log group; the encryption context names that log group,
    // so the grant is limited to log groups of this account and region.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
