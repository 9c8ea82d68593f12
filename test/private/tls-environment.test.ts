import { Token } from 'aws-cdk-lib';
import { tlsVerificationProblems } from '../../lib/private/tls-environment';

describe('tlsVerificationProblems', () => {
  test.each([
    ['NODE_TLS_REJECT_UNAUTHORIZED', '0'],
    ['PGSSLMODE', 'disable'],
    ['PGSSLMODE', 'allow'],
    ['PGSSLMODE', 'Prefer'],
    ['PGSSLMODE', 'no-verify'],
    ['SSL_VERIFY', 'false'],
    ['PYTHONHTTPSVERIFY', '0'],
    ['GIT_SSL_NO_VERIFY', '1'],
    ['DATABASE_URL', 'postgresql://u@db:5432/cal?connect_timeout=5&sslmode=prefer'],
    ['DATABASE_DIRECT_URL', 'postgres://db/cal?sslmode=no-verify'],
  ])('refuses %s=%s', (name, value) => {
    const problems = tlsVerificationProblems({ [name]: value }, 'env');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`\`env.${name}\``);
  });

  test.each([
    ['NODE_TLS_REJECT_UNAUTHORIZED', '1'],
    ['PGSSLMODE', 'verify-full'],
    ['PGSSLMODE', 'require'],
    ['GIT_SSL_NO_VERIFY', 'false'],
    ['DATABASE_URL', 'postgres://db/cal?sslmode=verify-full'],
    ['NEXT_PUBLIC_WEBAPP_URL', 'https://schedule.example.com'],
  ])('accepts %s=%s', (name, value) => {
    expect(tlsVerificationProblems({ [name]: value }, 'env')).toEqual([]);
  });

  test('skips values only known at deploy time', () => {
    expect(tlsVerificationProblems({ PGSSLMODE: Token.asString({ Ref: 'Mode' }) }, 'env')).toEqual([]);
  });

  test('reports every offending variable', () => {
    expect(
      tlsVerificationProblems({ NODE_TLS_REJECT_UNAUTHORIZED: '0', PGSSLMODE: 'disable' }, 'env'),
    ).toHaveLength(2);
  });
});
