/**
 * The baseline's database role step (bench/plain-app.ts): what an engineer would write by hand so the app does
 * not connect as the master user. A custom resource handler of the Provider framework, bundled by esbuild at
 * synth with the `pg` client.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';

interface Credentials {
  username: string;
  password: string;
  host: string;
  port: number;
  dbname: string;
}

async function read(client: SecretsManagerClient, id: string | undefined): Promise<Credentials> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: id }));
  return JSON.parse(out.SecretString ?? '{}') as Credentials;
}

export async function handler(event: { RequestType: string }): Promise<{ PhysicalResourceId: string }> {
  if (event.RequestType !== 'Delete') {
    const secrets = new SecretsManagerClient({});
    const master = await read(secrets, process.env.MASTER_SECRET_ARN);
    const app = await read(secrets, process.env.APP_SECRET_ARN);
    const db = new Client({ ...master, user: master.username, database: master.dbname, ssl: true });
    await db.connect();
    try {
      const role = escapeIdentifier(app.username);
      await db
        .query(`CREATE ROLE ${role} LOGIN PASSWORD ${escapeLiteral(app.password)}`)
        .catch(() => undefined);
      await db.query(`GRANT ${role} TO CURRENT_USER`);
      await db.query(`ALTER DATABASE ${escapeIdentifier(master.dbname)} OWNER TO ${role}`);
      await db.query(`ALTER SCHEMA public OWNER TO ${role}`);
    } finally {
      await db.end();
    }
  }
  return { PhysicalResourceId: 'app-role' };
}
