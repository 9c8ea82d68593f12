import { RegionInfo } from 'aws-cdk-lib/region-info';
import { DatabaseEngine } from '../../data/scheduling-database-interface';
import { OptionalManagedRuleGroup } from '../../ingress/web-firewall';
import { countryCodeProblems } from '../../private/country-codes';
import { parseImageReference } from '../../private/image-reference';
import { ipRangeProblems } from '../../private/ip-ranges';
import { managedRuleGroupProblems } from '../../private/managed-rule-groups';
import { postgresInstanceClassProblems } from '../../private/rds-instance-classes';
import { healthCheckPathProblems } from '../../private/service-limits';
import type { SchedulingConfig } from '../app-config';
import { keyAdministratorProblems } from '../../private/separated-key';

/*
 * Checks of the settings that reach AWS only through a construct, run on the settings themselves so that a bad
 * value is refused before any construct is built, in terms of the setting. The constructs run the same checks
 * (the functions of lib/private and WebFirewall) on their props.
 */

/** CloudFormation stack names: at most 128 characters (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html). */
const MAX_STACK_NAME = 128;
/**
 * The audit trail is named `<stackName>-audit`, and CloudTrail trail names are at most 128 characters
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html), so a stack with a trail
 * of its own has a name of at most 122.
 */
const TRAIL_SUFFIX = '-audit';
export const MAX_STACK_NAME_WITH_TRAIL = MAX_STACK_NAME - TRAIL_SUFFIX.length;

/** The regions aws-cdk-lib's region facts know (`RegionInfo.regions`): the regions of this release of aws-cdk-lib. */
export const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((r) => r.name).sort();

/** Problems with the settings, each a line that names its setting and echoes its value. */
export function settingsProblems(cfg: SchedulingConfig, region: string | undefined): string[] {
  return [
    ...stackNameProblems(cfg),
    ...regionProblems(cfg, region),
    ...imageProblems(cfg.image),
    ...(cfg.healthCheckPath === undefined
      ? []
      : inSetting(healthCheckPathProblems('healthCheckPath', cfg.healthCheckPath))),
    ...inSetting(ipRangeProblems('allowedIpRanges', cfg.allowedIpRanges ?? [], true)),
    ...inSetting(ipRangeProblems('blockedIpRanges', cfg.blockedIpRanges ?? [], false)),
    ...inSetting(countryCodeProblems('blockedCountries', cfg.blockedCountries ?? [])),
    ...inSetting(
      managedRuleGroupProblems(
        'managedRuleGroups',
        cfg.managedRuleGroups ?? [],
        Object.values(OptionalManagedRuleGroup),
      ),
    ),
    ...inSetting(keyAdministratorProblems('keyAdministrators', cfg.keyAdministrators ?? [])),
    ...instanceClassProblems(cfg),
  ];
}

function instanceClassProblems(cfg: SchedulingConfig): string[] {
  const instanceClass = cfg.databaseInstanceClass;
  // Aurora's instances are sized in capacity units: the stack refuses a class with that engine.
  if (instanceClass === undefined || cfg.databaseEngine === DatabaseEngine.AURORA_SERVERLESS_V2) {
    return [];
  }
  return instanceClass.startsWith('db.')
    ? inSetting(postgresInstanceClassProblems('databaseInstanceClass', instanceClass))
    : [
        `setting \`databaseInstanceClass\` must be an RDS instance class like db.t4g.medium, got ${JSON.stringify(instanceClass)}`,
      ];
}

function stackNameProblems(cfg: SchedulingConfig): string[] {
  const name = cfg.stackName;
  // With an existing trail, no trail (and no trail name) is derived from the stack name.
  const max = cfg.existingTrailLogGroupName === undefined ? MAX_STACK_NAME_WITH_TRAIL : MAX_STACK_NAME;
  const why =
    max === MAX_STACK_NAME
      ? "CloudFormation's limit"
      : `the audit trail is named <stackName>${TRAIL_SUFFIX} and CloudTrail allows ${MAX_STACK_NAME}`;
  const wellFormed = /^[A-Za-z][A-Za-z0-9-]*$/.test(name);
  if (wellFormed && name.length <= max) {
    return [];
  }
  return [
    `setting \`stackName\` must be letters, digits and hyphens, starting with a letter, at most ${max} characters (${why}), got ${JSON.stringify(name)}${wellFormed ? ` (${name.length} characters)` : ''}`,
  ];
}

function regionProblems(cfg: SchedulingConfig, region: string | undefined): string[] {
  if (region === undefined || !KNOWN_REGIONS.includes(region)) {
    const prefix = region?.replace(/-\d+$/, '-');
    const siblings = prefix ? KNOWN_REGIONS.filter((r) => r.startsWith(prefix)) : [];
    const hint = siblings.length > 0 ? ` (the ${prefix}N regions are ${siblings.join(', ')})` : '';
    return [
      `setting \`region\` must be an AWS region name like eu-west-1, got ${region === undefined ? 'nothing' : JSON.stringify(region)}${hint}`,
    ];
  }
  // A zone is its region's name and one letter.
  const zones = cfg.availabilityZones;
  const foreign = zones.filter(
    (z) => !(z.length === region.length + 1 && z.startsWith(region) && /[a-z]/.test(z.slice(-1))),
  );
  const twice = zones.filter((z, i) => zones.indexOf(z) !== i);
  const problems: string[] = [];
  if (foreign.length > 0) {
    problems.push(
      `setting \`availabilityZones\` must be zone names of region ${region}, like ${region}a, got ${JSON.stringify(zones.join(','))}`,
    );
  }
  if (new Set(zones).size < 2) {
    problems.push(
      `setting \`availabilityZones\` must be at least two different zones, got ${JSON.stringify(zones.join(','))}`,
    );
  } else if (twice.length > 0) {
    problems.push(
      `setting \`availabilityZones\` must name each zone once, got ${JSON.stringify(zones.join(','))}`,
    );
  }
  return problems;
}

function imageProblems(image: string): string[] {
  const parsed = parseImageReference(image);
  return parsed.ok
    ? []
    : [
        `setting \`image\` must be an image reference pinned by a version tag or a digest, got ${JSON.stringify(image)}: ${parsed.problems.join('; ')}`,
      ];
}

/** A construct check's lines ("`name` must ...") as lines about the setting of that name. */
function inSetting(problems: readonly string[]): string[] {
  return problems.map((p) => `setting ${p}`);
}
