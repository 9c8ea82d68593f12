import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { sendEventsToTopic } from '../audit/alert-topic';
import { Problems } from '../private/problems';
import {
  CLUSTER_EVENT_CATEGORIES,
  CLUSTER_INSTANCE_EVENT_CATEGORIES,
  DATABASE_EVENT_CATEGORIES,
} from './database-defaults';

export interface DatabaseEventsProps {
  /**
   * The instance whose events are sent; give it or `cluster`.
   * @default - none: `cluster` is required
   */
  readonly instance?: rds.IDatabaseInstance;
  /**
   * The Aurora cluster whose events (and those of its instances) are sent; give it or `instance`.
   * @default - none: `instance` is required
   */
  readonly cluster?: rds.IDatabaseCluster;
  /**
   * Topic that receives them. Its policy gets a statement that admits RDS on behalf of this database; its key
   * must let `events.rds.amazonaws.com` use it (AlertTopic's does).
   */
  readonly topic: sns.ITopic;
  /**
   * RDS event categories sent (of the instance, or of the cluster).
   * @default - failure, failover, low storage and maintenance of an instance; failure, failover and
   * maintenance of a cluster
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
  /** The event subscription (of the instance, or of the cluster). */
  public readonly subscription: rds.CfnEventSubscription;
  /** The subscription to the events of the cluster's instances (failure, availability, maintenance). */
  public readonly instanceSubscription?: rds.CfnEventSubscription;
  /** Rule that sends failed rotations of the admin secret to the topic, when a secret was given. */
  public readonly rotationFailureRule?: events.Rule;

  constructor(scope: Construct, id: string, props: DatabaseEventsProps) {
    super(scope, id);
    const problems = new Problems();
    problems.check(
      (props.instance === undefined) === (props.cluster === undefined),
      `exactly one of \`instance\` and \`cluster\` must be given, got ${props.instance ? 'both' : 'neither'}`,
    );
    problems.throwIfAny(this);
    const cluster = props.cluster;
    const stack = Stack.of(this);
    // RDS publishes as a service, on behalf of the resource an event is about: its ARN is the request's
    // aws:SourceArn, its account aws:SourceAccount. The topic admits the databases subscribed here and no other
    // (the documented form: "SourceARN – Your RDS resource ARN"):
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.GrantingPermissions.html
    const instanceArn = (id: string) =>
      stack.formatArn({
        service: 'rds',
        resource: 'db',
        resourceName: id,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const sourceArns = cluster
      ? [cluster.clusterArn, ...cluster.instanceIdentifiers.map(instanceArn)]
      : [props.instance!.instanceArn];
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowRdsEvents',
        principals: [new iam.ServicePrincipal('events.rds.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': sourceArns },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    this.subscription = new rds.CfnEventSubscription(this, 'Resource', {
      snsTopicArn: props.topic.topicArn,
      sourceType: cluster ? 'db-cluster' : 'db-instance',
      sourceIds: [cluster ? cluster.clusterIdentifier : props.instance!.instanceIdentifier],
      eventCategories: props.eventCategories ?? [
        ...(cluster ? CLUSTER_EVENT_CATEGORIES : DATABASE_EVENT_CATEGORIES),
      ],
      enabled: true,
    });
    if (cluster) {
      // A reader that fails or restarts is told by its own events, not the cluster's.
      this.instanceSubscription = new rds.CfnEventSubscription(this, 'InstanceSubscription', {
        snsTopicArn: props.topic.topicArn,
        sourceType: 'db-instance',
        sourceIds: cluster.instanceIdentifiers,
        eventCategories: [...CLUSTER_INSTANCE_EVENT_CATEGORIES],
        enabled: true,
      });
    }
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
