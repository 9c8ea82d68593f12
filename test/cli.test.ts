import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OPEN_FINDING } from './support/outcomes';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, [path.join(ROOT, 'bin', 'cli.ts'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('secure-scheduling report', () => {
  let directory: string;

  beforeAll(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'secure-scheduling-cli-'));
    fs.writeFileSync(
      path.join(directory, 'compliance-outcomes.json'),
      JSON.stringify({ outcomes: [OPEN_FINDING] }),
    );
  });

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  test('renders every report again from the recorded outcomes and exits 1 on an open finding', () => {
    const run = cli('report', directory);
    expect(run.status).toBe(1);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((f) => path.basename(f)),
    ).toEqual([
      'compliance-outcomes.json',
      'compliance-outcomes.csv',
      'compliance.sarif',
      'compliance-summary.md',
      'compliance-summary.html',
    ]);
    expect(run.stderr).toContain('1 findings are neither fixed nor acknowledged');
    expect(fs.readFileSync(path.join(directory, 'compliance-summary.md'), 'utf8')).toContain('synth failed');
    expect(
      JSON.parse(fs.readFileSync(path.join(directory, 'compliance.sarif'), 'utf8')).runs[0].results,
    ).toHaveLength(1);
  });

  test('exits 2 when the directory holds no outcomes, and on bad usage', () => {
    const missing = cli('report', path.join(directory, 'nowhere'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no compliance-outcomes.json');
    const usage = cli('reprot', directory);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: secure-scheduling report <cloud assembly directory>');
  });

  test('usage names every command', () => {
    const usage = cli('help');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('secure-scheduling cert-check --domain <name>');
    expect(usage.stderr).toContain('secure-scheduling verify <https-url>');
  });
});
