import { Names, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parseDailyWindow, parseWeeklyWindow, windowsOverlap } from './maintenance-windows';

/* The checks and names the instance and the cluster of the scheduling database share. */

/** Problems with the backup and maintenance windows: format, length, overlap. */
export function windowProblems(backupWindow: string, maintenanceWindow: string): string[] {
  const problems: string[] = [];
  if (Token.isUnresolved(backupWindow) || Token.isUnresolved(maintenanceWindow)) {
    return problems;
  }
  const daily = parseDailyWindow(backupWindow);
  const weekly = parseWeeklyWindow(maintenanceWindow);
  if (!daily || daily.length < 30) {
    problems.push(
      `\`preferredBackupWindow\` must be a UTC window 'hh:mm-hh:mm' of at least 30 minutes, got '${backupWindow}'`,
    );
  }
  if (!weekly || weekly.length < 30) {
    problems.push(
      `\`preferredMaintenanceWindow\` must be a UTC window 'ddd:hh:mm-ddd:hh:mm' of at least 30 minutes, got '${maintenanceWindow}'`,
    );
  }
  if (daily && weekly && windowsOverlap(daily, weekly)) {
    problems.push(
      `\`preferredMaintenanceWindow\` '${maintenanceWindow}' overlaps \`preferredBackupWindow\` '${backupWindow}': the windows must not overlap`,
    );
  }
  return problems;
}

export function defaultIdentifier(stackName: string, suffix = 'database'): string {
  const base = stackName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 41)
    .replace(/-+$/, '');
  return `${/^[a-z]/.test(base) ? base : `db-${base}`}-${suffix}`.replace(/--+/g, '-');
}

export function describeSubnets(vpc: ec2.IVpc, subnets: ec2.ISubnet[]): string {
  if (subnets.length === 0) {
    return 'none';
  }
  return subnets
    .map((s) => `${vpc.publicSubnets.includes(s) ? 'public' : 'private'} ${Names.nodeUniqueId(s.node)}`)
    .join(', ');
}
