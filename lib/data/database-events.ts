import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sendEventsToTopic } from '../audit/alert-topic';
import { DATABASE_EVENT_CATEGORIES } from './database-defaults';

export interface DatabaseEventsProps {
  /** The instance whose events are sent. */
  readonly instance: rds.IDatabaseInstance;
  /** Topic that receives them. Its key must let `events.rds.amazonaws.com` use it (AlertTopic's does). */
  readonly topic: sns.ITopic;
  /**
   * RDS event categories sent.
   * @default ['failure', 'failover', 'low storage', 'maintenance']
   */
  readonly eventCategories?: string[];
  /**
   * The database's rotated admin secret: a failed rotation of it is sent to the topic too. A rotation that
   * fails half-way can leave the database with a password the secret does not hold.
   * @default - rotation failures are not sent
   */
  readonly secret?: secretsmanager.ISecret;
}

/**
 * RDS event notifications of the database (failure, failover, low storage, maintenance) and failed rotations
 * of its admin secret, to the alert topic.
 */
export class DatabaseEvents extends Construct {
  /** The event subscription. */
  public readonly subscription: rds.CfnEventSubscription;
  /** Rule that sends failed rotations of the admin secret to the topic, when a secret was given. */
  public readonly rotationFailureRule?: events.Rule;

  constructor(scope: Construct, id: string, props: DatabaseEventsProps) {
    super(scope, id);
    // RDS publishes as a service: the topic lets it, for this account's instances only.
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowRdsEvents',
        principals: [new iam.ServicePrincipal('events.rds.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.subscription = new rds.CfnEventSubscription(this, 'Resource', {
      snsTopicArn: props.topic.topicArn,
      sourceType: 'db-instance',
      sourceIds: [props.instance.instanceIdentifier],
      eventCategories: props.eventCategories ?? [...DATABASE_EVENT_CATEGORIES],
      enabled: true,
    });
    if (props.secret) {
      this.rotationFailureRule = new events.Rule(this, 'RotationFailureRule', {
        description: 'A failed rotation of the database admin password goes to the alert topic',
        eventPattern: {
          source: ['aws.secretsmanager'],
          detailType: ['AWS Service Event via CloudTrail'],
          detail: {
            eventSource: ['secretsmanager.amazonaws.com'],
            eventName: ['RotationFailed', 'RotationAbandoned'],
            additionalEventData: { SecretId: [props.secret.secretArn] },
          },
        },
      });
      sendEventsToTopic(this.rotationFailureRule, props.topic);
    }
  }
}
