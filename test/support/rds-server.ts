/**
 * A small Amazon RDS on 127.0.0.1 that speaks RDS's query protocol (form-encoded `Action=DescribeDBInstances`
 * and `Action=DescribeDBClusters`, XML answers and XML errors), so the real `@aws-sdk/client-rds` client can be
 * tested end to end.
 */
import * as http from 'node:http';
import { LocalServer } from './local-server';

export interface RdsInstance {
  readonly arn: string;
  readonly identifier: string;
  readonly status: string;
  readonly address?: string;
  readonly port?: number;
}

export interface RdsCluster {
  readonly arn: string;
  readonly identifier: string;
  readonly status: string;
  readonly encrypted: boolean;
  readonly endpoint?: string;
  readonly port?: number;
  readonly members: readonly string[];
}

const NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class RdsServer extends LocalServer {
  public readonly instances: RdsInstance[] = [];
  public readonly clusters: RdsCluster[] = [];
  /** Every request as `<Action> <identifier>`. */
  public readonly calls: string[] = [];

  protected answer(_req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const form = new URLSearchParams(raw);
    const action = form.get('Action') ?? '';
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'rds-1' });
      res.end(xml);
    };
    const error = (code: string, message: string) =>
      send(
        404,
        `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error><RequestId>rds-1</RequestId></ErrorResponse>`,
      );
    if (form.get('Version') !== '2014-10-31') {
      return error('InvalidParameterValue', `unknown Version '${form.get('Version')}'`);
    }
    if (action === 'DescribeDBInstances') {
      const id = form.get('DBInstanceIdentifier') ?? '';
      this.calls.push(`${action} ${id}`);
      const found = this.instances.find((i) => i.arn === id || i.identifier === id);
      if (!found) return error('DBInstanceNotFound', `DBInstance ${id} not found.`);
      const endpoint = found.address
        ? `<Endpoint><Address>${found.address}</Address><Port>${found.port ?? 5432}</Port></Endpoint>`
        : '';
      return send(
        200,
        `<DescribeDBInstancesResponse xmlns="${NS}"><DescribeDBInstancesResult><DBInstances><DBInstance>` +
          `<DBInstanceIdentifier>${found.identifier}</DBInstanceIdentifier><DBInstanceArn>${found.arn}</DBInstanceArn>` +
          `<DBInstanceStatus>${found.status}</DBInstanceStatus>${endpoint}` +
          `</DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>rds-1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`,
      );
    }
    if (action === 'DescribeDBClusters') {
      const id = form.get('DBClusterIdentifier') ?? '';
      this.calls.push(`${action} ${id}`);
      const found = this.clusters.find((c) => c.arn === id || c.identifier === id);
      if (!found) return error('DBClusterNotFoundFault', `DBCluster ${id} not found.`);
      const members = found.members
        .map(
          (m) =>
            `<DBClusterMember><DBInstanceIdentifier>${m}</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter></DBClusterMember>`,
        )
        .join('');
      return send(
        200,
        `<DescribeDBClustersResponse xmlns="${NS}"><DescribeDBClustersResult><DBClusters><DBCluster>` +
          `<DBClusterIdentifier>${found.identifier}</DBClusterIdentifier><DBClusterArn>${found.arn}</DBClusterArn>` +
          `<Status>${found.status}</Status><StorageEncrypted>${found.encrypted}</StorageEncrypted>` +
          (found.endpoint ? `<Endpoint>${found.endpoint}</Endpoint><Port>${found.port ?? 5432}</Port>` : '') +
          `<DBClusterMembers>${members}</DBClusterMembers>` +
          `</DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>rds-1</RequestId></ResponseMetadata></DescribeDBClustersResponse>`,
      );
    }
    this.calls.push(action);
    return error('InvalidAction', `unknown Action '${action}'`);
  }
}
