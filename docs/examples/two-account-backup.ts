/**
 * Backups in another account (checklist C6, separate storage): the backup account's `BackupCopyVault` and the
 * scheduling stack, in its own account, copying every recovery point into it. Stolen administrator credentials
 * of the scheduling account can then neither delete the copies nor make them unreadable: the copies are in a
 * vault those credentials cannot reach, re-encrypted with a key of the backup account.
 *
 * Before the first deploy, in the organization's management account: turn on cross-account backup
 * (`aws backup update-global-settings --global-settings isCrossAccountBackupEnabled=true`), an organization
 * setting no stack can make. Then deploy the backup account's stack first, and the scheduling stack second.
 *
 * In this repository:
 *
 *   npx cdk synth --app "npx tsx docs/examples/two-account-backup.ts"
 *
 * In your own CDK app, with secure-scheduling installed: copy this file, import from 'secure-scheduling'
 * instead of '../../lib', and run it the same way with your app's TypeScript runner (tsx, ts-node).
 */
import { App, AppProps, Duration } from 'aws-cdk-lib';
import { addCompliancePacks, BackupCopyVault, SchedulingApp, SecureSchedulingStack } from '../../lib';

const SCHEDULING_ACCOUNT = '123456789012';
const BACKUP_ACCOUNT = '210987654321';
const REGION = 'eu-west-1';
const DOMAIN = 'schedule.example.com';
const CALCOM_DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** Builds the example app; `props` lets a test pass the feature flags of cdk.json. */
export function buildApp(props: AppProps = {}): App {
  const app = new App(props);

  // The backup account: a vault that only the scheduling account's copy jobs may write into, locked in
  // governance mode for 7 days at least, encrypted with a key of the backup account.
  const copyVault = new BackupCopyVault(app, 'SchedulingBackupCopy', {
    env: { account: BACKUP_ACCOUNT, region: REGION },
    sourceAccounts: [SCHEDULING_ACCOUNT],
  });

  new SecureSchedulingStack(app, 'Scheduling', {
    env: { account: SCHEDULING_ACCOUNT, region: REGION },
    availabilityZones: [`${REGION}a`, `${REGION}b`],
    domainName: DOMAIN,
    hostedZone: { hostedZoneId: 'Z0123456789EXAMPLEZONE', zoneName: 'example.com' },
    app: SchedulingApp.calCom({
      publicUrl: `https://${DOMAIN}`,
      image: `${SCHEDULING_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/calcom@${CALCOM_DIGEST}`,
    }),
    alertEmails: ['ops@example.com'],
    // Every daily and weekly recovery point is copied into the backup account's vault, kept as long as the
    // original. The literal ARN: a stack cannot read another account's outputs.
    backupCopyVaultArn: copyVault.vaultArn,
    dailyBackupRetention: Duration.days(35),
    weeklyBackupRetention: Duration.days(91),
  });

  addCompliancePacks(app);
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
