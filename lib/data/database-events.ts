import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
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
}

/** RDS event notifications of the database (failure, failover, low storage, maintenance) to the alert topic. */
export class DatabaseEvents extends Construct {
  /** The event subscription. */
  public readonly subscription: rds.CfnEventSubscription;

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
  }
}
