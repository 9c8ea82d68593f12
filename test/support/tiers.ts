import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SeparatedDutiesKey } from '../../lib/private/separated-key';

/**
 * The resource types of the tiers the default stack does not have yet, written plainly with the L2
 * constructs (not hardened): a PostgreSQL instance with rotated credentials, an Aurora cluster, an AWS Backup
 * plan and vault, a CloudTrail trail to CloudWatch Logs with a metric filter and an alarm, a topic and a
 * function. Used to see which rules of the packs judge those types.
 */
export function plainTiers(stack: Stack): void {
  const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const key = new SeparatedDutiesKey(stack, 'Key', { enableKeyRotation: true });
  const database = new rds.DatabaseInstance(stack, 'Database', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    vpc,
    vpcSubnets: isolated,
    storageEncryptionKey: key,
    credentials: rds.Credentials.fromGeneratedSecret('scheduling', { encryptionKey: key }),
    removalPolicy: RemovalPolicy.SNAPSHOT,
    cloudwatchLogsExports: ['postgresql'],
  });
  database.addRotationSingleUser();
  new rds.DatabaseCluster(stack, 'Cluster', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: isolated,
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    storageEncryptionKey: key,
  });
  const vault = new backup.BackupVault(stack, 'Vault', { encryptionKey: key });
  new backup.BackupPlan(stack, 'Plan', {
    backupVault: vault,
    backupPlanRules: [backup.BackupPlanRule.daily()],
  }).addSelection('Selection', { resources: [backup.BackupResource.fromRdsDatabaseInstance(database)] });
  const trailLogs = new logs.LogGroup(stack, 'TrailLogs', { encryptionKey: key });
  new cloudtrail.Trail(stack, 'Trail', {
    sendToCloudWatchLogs: true,
    cloudWatchLogGroup: trailLogs,
    encryptionKey: key,
    bucket: new s3.Bucket(stack, 'TrailBucket'),
  });
  new logs.MetricFilter(stack, 'Filter', {
    logGroup: trailLogs,
    filterPattern: logs.FilterPattern.literal('{ ($.eventName = StopLogging) }'),
    metricNamespace: 'Audit',
    metricName: 'TrailStopped',
  })
    .metric()
    .createAlarm(stack, 'Alarm', { threshold: 1, evaluationPeriods: 1 });
  new sns.Topic(stack, 'Topic', { masterKey: key });
  new lambda.Function(stack, 'Function', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    vpc,
    vpcSubnets: isolated,
  });
}
