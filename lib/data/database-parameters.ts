import { Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { Problems } from '../private/problems';

export interface DatabaseParametersProps {
  /** The engine the parameters are for (its family picks the parameter group family). */
  readonly engine: rds.IEngine;

  /**
   * More parameters. One of the hardened TLS and logging parameters below may be given only with its hardened
   * value or a stricter one (`ssl_min_protocol_version` 'TLSv1.3'); anything else is refused, since they are what
   * the checklist asks for.
   * @default - none
   */
  readonly parameters?: Record<string, string>;
}

/**
 * Parameters every connection and every log line depends on (checklist C1, C7):
 * - TLS forced (`rds.force_ssl=1`), TLS 1.2 at the least;
 * - passwords stored and checked with SCRAM-SHA-256, never MD5;
 * - connections, disconnections and DDL logged, so schema changes and sign-ins can be reviewed;
 * - never row data or bind values: no statement logging beyond DDL, no duration logging (which prints
 *   statements with their values), bind parameters cut to zero characters, no statement text on errors.
 */
export const HARDENED_POSTGRES_PARAMETERS: Readonly<Record<string, string>> = {
  'rds.force_ssl': '1',
  ssl_min_protocol_version: 'TLSv1.2',
  password_encryption: 'scram-sha-256',
  log_connections: '1',
  log_disconnections: '1',
  log_statement: 'ddl',
  log_min_duration_statement: '-1',
  log_parameter_max_length: '0',
  log_parameter_max_length_on_error: '0',
  log_min_error_statement: 'panic',
};

/** Values of hardened parameters that are stricter still, which a caller may choose instead. */
const STRICTER_VALUES: Readonly<Record<string, readonly string[]>> = {
  ssl_min_protocol_version: ['TLSv1.3'],
};

/** The PostgreSQL parameter group of the scheduling database. */
export class DatabaseParameters extends Construct {
  /** The parameter group. */
  public readonly parameterGroup: rds.ParameterGroup;

  constructor(scope: Construct, id: string, props: DatabaseParametersProps) {
    super(scope, id);
    const problems = new Problems();
    for (const [name, value] of Object.entries(props.parameters ?? {})) {
      const hardened = Object.keys(HARDENED_POSTGRES_PARAMETERS).find((h) => h === name.toLowerCase());
      problems.check(
        hardened !== undefined &&
          !Token.isUnresolved(value) &&
          value !== HARDENED_POSTGRES_PARAMETERS[hardened] &&
          !(STRICTER_VALUES[hardened] ?? []).includes(value),
        `\`parameters.${name}\` must be '${HARDENED_POSTGRES_PARAMETERS[hardened ?? name]}'${(STRICTER_VALUES[hardened ?? name] ?? []).map((v) => ` or '${v}'`).join('')} (a hardened parameter: TLS forced, SCRAM passwords, connections and DDL logged, no row data logged), got '${value}'`,
      );
    }
    problems.throwIfAny(this);
    this.parameterGroup = new rds.ParameterGroup(this, 'Resource', {
      engine: props.engine,
      description:
        'secure-scheduling: TLS forced, SCRAM passwords, connections and DDL logged, no row data logged',
      parameters: { ...HARDENED_POSTGRES_PARAMETERS, ...props.parameters },
    });
  }
}
