import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  copyScript,
  isSafePath,
  isWithin,
  ownerCommand,
  stagingPath,
} from '../../lib/private/volume-preparation';

/**
 * Runs the task's start steps, as the task definition carries them, against a local tree shaped like the Cal.com
 * image (`calcom/cal.com:v5.5.0`: files owned by root, directories 0755, files 0644) and volumes shaped like
 * Fargate's (empty directories owned by root, mode 0755:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html). Each step runs with the user and
 * the Linux capabilities its container has, through util-linux's `setpriv`, so this needs root to switch users:
 * the ownership step as root with CAP_CHOWN alone, the copy and the app as uid 1000 with no capability.
 */

const APP_UID = 1000;
const APP_USER = `${APP_UID}:${APP_UID}`;
const BUILT_URL = 'http://localhost:3000';
const PUBLIC_URL = 'https://schedule.example.com';

/** The image's start script rewrites every file holding the build-time URL with `sed -i`, from /calcom. */
const REWRITE = [
  'set -eu',
  `for file in $(grep -r -l "${BUILT_URL}" apps/web/.next/ apps/web/public/); do`,
  `  sed -i -e "s|${BUILT_URL}|${PUBLIC_URL}|g" "$file"`,
  'done',
].join('\n');

/** A process with the app's user and no capability (a container with `User` 1000:1000 and `Drop: ALL`). */
const AS_APP = [
  `--reuid=${APP_UID}`,
  `--regid=${APP_UID}`,
  '--clear-groups',
  '--inh-caps=-all',
  '--ambient-caps=-all',
  '--bounding-set=-all',
];
/** Root with CAP_CHOWN as its only capability (the ownership container). */
const AS_ROOT_WITH_CHOWN_ONLY = ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all,+chown'];
/** Root with no capability at all. */
const AS_ROOT_WITHOUT_CAPABILITIES = ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all'];

function run(privileges: readonly string[], argv: readonly string[], cwd?: string): SpawnSyncReturns<string> {
  return spawnSync('setpriv', [...privileges, '--', ...argv], { cwd, encoding: 'utf8', timeout: 30_000 });
}

function write(file: string, content: string, mode = 0o644): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the start steps of a task with prepared paths', () => {
  let root: string;
  let image: { next: string; public: string };
  let volumes: { scratch: string; next: string; public: string };

  beforeAll(() => {
    if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status !== 0) {
      throw new Error(
        'these tests switch users and capabilities with setpriv (util-linux) to reproduce Fargate: run them as root',
      );
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'start-steps-'));
    fs.chmodSync(root, 0o755);
    // The image: what COPY --from a root build stage leaves (no USER, no chown in the Dockerfile).
    const web = path.join(root, 'image', 'calcom', 'apps', 'web');
    image = { next: path.join(web, '.next'), public: path.join(web, 'public') };
    write(path.join(image.next, 'BUILD_ID'), 'b1\n');
    write(path.join(image.next, 'server', 'pages', 'index.js'), `fetch("${BUILT_URL}/api/me")\n`);
    write(path.join(image.next, 'static', 'chunks', 'main.js'), `const base="${BUILT_URL}";\n`);
    write(path.join(image.next, '.hidden.json'), `{"url":"${BUILT_URL}"}\n`);
    write(path.join(image.next, 'server', 'run.sh'), '#!/bin/sh\n', 0o755);
    fs.symlinkSync('server/pages/index.js', path.join(image.next, 'index-link.js'));
    write(path.join(image.public, 'embed', 'embed.js'), `window.Cal={origin:"${BUILT_URL}"};\n`);
    write(path.join(image.public, 'favicon.ico'), 'ICO\n');
    // Fargate's bind mount volumes: empty, owned by root, 0755.
    const v = path.join(root, 'volumes');
    volumes = {
      scratch: path.join(v, 'scratch-0'),
      next: path.join(v, 'prepared-0'),
      public: path.join(v, 'prepared-1'),
    };
    for (const dir of Object.values(volumes)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
      fs.chmodSync(dir, 0o755);
    }
    fs.chmodSync(v, 0o755);
  });

  afterAll(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const copies = () => [
    { source: image.next, target: volumes.next },
    { source: image.public, target: volumes.public },
  ];
  const ownAll = () => ownerCommand(APP_USER, [volumes.scratch, volumes.next, volumes.public]);

  // The tests below run in order: each step starts from what the one before it left, as in a task.
  test('without the ownership step, the copy as the app user fails on the root-owned volumes', () => {
    const result = run(AS_APP, ['/bin/sh', '-c', copyScript(copies())]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Permission denied/);
    expect(fs.readdirSync(volumes.next)).toEqual([]);
  });

  test('the ownership step needs CAP_CHOWN: root without it may not hand the volumes over', () => {
    const result = run(AS_ROOT_WITHOUT_CAPABILITIES, ownAll());
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Operation not permitted/);
    expect(fs.statSync(volumes.next).uid).toBe(0);
  });

  test('the ownership step, as root with CAP_CHOWN only, gives every volume to the app user', () => {
    const result = run(AS_ROOT_WITH_CHOWN_ONLY, ownAll());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const dir of Object.values(volumes)) {
      expect(fs.statSync(dir)).toMatchObject({ uid: APP_UID, gid: APP_UID });
    }
  });

  test('the copy, as the app user with no capability, copies everything, dot files and links included', () => {
    const result = run(AS_APP, ['/bin/sh', '-c', copyScript(copies())]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const relative = (base: string) =>
      filesUnder(base)
        .map((f) => path.relative(base, f))
        .sort();
    expect(relative(volumes.next)).toEqual(relative(image.next));
    expect(relative(volumes.public)).toEqual(relative(image.public));
    expect(fs.readlinkSync(path.join(volumes.next, 'index-link.js'))).toBe('server/pages/index.js');
    expect(fs.statSync(path.join(volumes.next, 'server', 'run.sh')).mode & 0o777).toBe(0o755);
    for (const file of filesUnder(volumes.next)) {
      expect(fs.statSync(file).uid).toBe(APP_UID);
    }
  });

  test("the image's URL rewrite fails on the image's own directories (the reason for the copy)", () => {
    const result = run(AS_APP, ['/bin/sh', '-c', REWRITE], path.join(root, 'image', 'calcom'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/sed: couldn't open temporary file .*Permission denied/);
    expect(fs.readFileSync(path.join(image.next, 'static', 'chunks', 'main.js'), 'utf8')).toContain(
      BUILT_URL,
    );
  });

  test("the image's URL rewrite succeeds on the volumes mounted at the same paths, and leaves the image as it was", () => {
    // The app container's view: the volumes where the image's directories were.
    const app = path.join(root, 'app', 'calcom', 'apps', 'web');
    fs.mkdirSync(app, { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(root, 'app'), 0o755);
    fs.symlinkSync(volumes.next, path.join(app, '.next'));
    fs.symlinkSync(volumes.public, path.join(app, 'public'));

    const result = run(AS_APP, ['/bin/sh', '-c', REWRITE], path.join(root, 'app', 'calcom'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const file of [...filesUnder(volumes.next), ...filesUnder(volumes.public)]) {
      expect(fs.readFileSync(file, 'utf8')).not.toContain(BUILT_URL);
    }
    expect(fs.readFileSync(path.join(volumes.next, '.hidden.json'), 'utf8')).toContain(PUBLIC_URL);
    expect(fs.readFileSync(path.join(volumes.public, 'embed', 'embed.js'), 'utf8')).toContain(PUBLIC_URL);
    expect(fs.readFileSync(path.join(image.public, 'embed', 'embed.js'), 'utf8')).toContain(BUILT_URL);
    // Next.js writes its cache inside the copy; /tmp (HOME) is the scratch volume.
    expect(run(AS_APP, ['mkdir', '-p', path.join(volumes.next, 'cache', 'images')]).status).toBe(0);
    expect(run(AS_APP, ['touch', path.join(volumes.scratch, '.npmrc')]).status).toBe(0);
  });

  test('a copy whose source is missing fails the step (set -eu), so the app never starts on a half copy', () => {
    const result = run(AS_APP, [
      '/bin/sh',
      '-c',
      copyScript([{ source: path.join(root, 'image', 'missing'), target: volumes.scratch }]),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/cannot stat/);
  });
});

describe('volume preparation helpers', () => {
  test('staging paths are per index under /prepared', () => {
    expect([stagingPath(0), stagingPath(1)]).toEqual(['/prepared/0', '/prepared/1']);
  });

  test.each([
    ['/calcom/apps/web/.next', true],
    ['/tmp', true],
    ['relative/path', false],
    ['/', false],
    ['/calcom/../etc', false],
    ['/calcom/./web', false],
    ['/with space', false],
    ['/with$dollar', false],
    ['/trailing/', false],
  ])('isSafePath(%s) is %s', (p, safe) => {
    expect(isSafePath(p)).toBe(safe);
  });

  test('isWithin matches the path itself and what lies below it, not a sibling with the same prefix', () => {
    expect(isWithin('/a/b', '/a/b')).toBe(true);
    expect(isWithin('/a/b/c', '/a/b')).toBe(true);
    expect(isWithin('/a/bc', '/a/b')).toBe(false);
  });
});
