import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

export interface DatabaseParametersProps {
  /** The engine the parameters are for (its family picks the parameter group family). */
  readonly engine: rds.IEngine;

  /**
   * More parameters, merged over the hardened ones. The TLS and logging parameters below cannot be
   * overridden here: they are what the checklist asks for.
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

/** The PostgreSQL parameter group of the scheduling database. */
export class DatabaseParameters extends Construct {
  /** The parameter group. */
  public readonly parameterGroup: rds.ParameterGroup;

  constructor(scope: Construct, id: string, props: DatabaseParametersProps) {
    super(scope, id);
    this.parameterGroup = new rds.ParameterGroup(this, 'Resource', {
      engine: props.engine,
      description:
        'secure-scheduling: TLS forced, SCRAM passwords, connections and DDL logged, no row data logged',
      parameters: { ...props.parameters, ...HARDENED_POSTGRES_PARAMETERS },
    });
  }
}
