import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { operationNames } from '@wxpay-kit/sdk/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What a user installs: each package built, packed with `npm pack`, and installed from its tarball into fresh
// projects outside the workspace, from the npm cache only. Each project type-checks with the workspace's
// TypeScript and makes signed calls to an emulator started with `npx @wxpay-kit/emulator`, and with the installed
// `wxpay-kit` CLI.

/** The published packages, one line each. Every export of each is loaded and type-checked in every project. */
const PACKAGES = ['packages/sdk', 'packages/emulator', 'packages/redis', 'packages/cli'];

const strict = { strict: true, types: ['node'], lib: ['ES2023', 'DOM'], target: 'ES2022' };
/** Declarations are checked in full once (skipLibCheck off: ~20 s of CPU, nearly all in typebox's own
 * declarations, 2.3 million type instantiations against ~1,000 for ours); the
 * other setups skip them, as most projects do, and `typesAreReal` in each program still fails if a type
 * resolved to `any`. */
const full = { ...strict, skipLibCheck: false };
const quick = { ...strict, skipLibCheck: true, noEmit: true };

/** The consumer projects: a program (fixture in ./consumers), the setup that compiles it, and other setups it
 * must type-check with. */
const CONSUMERS = [
  {
    name: 'ts-esm',
    type: 'module',
    program: 'ts-esm.ts.txt',
    compile: ['node16', { ...full, module: 'node16', moduleResolution: 'node16', outDir: 'out' }],
    typecheck: {
      nodenext: { ...quick, module: 'nodenext', moduleResolution: 'nodenext' },
      bundler: { ...quick, module: 'preserve', moduleResolution: 'bundler' },
    },
  },
  {
    name: 'ts-cjs',
    type: 'commonjs',
    program: 'ts-cjs.ts.txt',
    compile: [
      'node10',
      // NestJS's defaults; TypeScript 5.x calls node10 deprecated, and still supports it.
      {
        ...strict,
        skipLibCheck: true,
        module: 'commonjs',
        moduleResolution: 'node10',
        esModuleInterop: true,
        outDir: 'out',
        ignoreDeprecations: '5.0',
      },
    ],
    typecheck: { node16: { ...quick, module: 'node16', moduleResolution: 'node16' } },
  },
  { name: 'js-cjs', type: 'commonjs', program: 'js-cjs.js.txt', compile: undefined, typecheck: {} },
] as const;

const MINUTES = 60_000; // a type-check takes seconds; minutes on a shared machine under load
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const manifests = PACKAGES.map((dir) => readJson(join(root, dir, 'package.json')));
/** `@wxpay-kit/sdk`, `@wxpay-kit/sdk/protocol`, …: every entry point a consumer can name. */
const specifiers = manifests.flatMap((m) =>
  Object.keys(m.exports)
    .filter((key) => key !== './package.json')
    .map((key) => m.name + key.slice(1)),
);

let work: string;
let tarballs: { name: string; filename: string; files: { path: string }[] }[];
const emulators: ChildProcess[] = [];
let emulatorUrl: string;
const project = (name: string) => join(work, name);
const CLI_ONLY = 'cli-only';

/** `npm install` skips install scripts; a native module is then taken from the workspace's own build when it
 * is the same version (compiling better-sqlite3 from source takes minutes), else rebuilt. */
async function reuseNativeBuilds(dir: string): Promise<void> {
  const modules = join(dir, 'node_modules');
  for (const name of readdirSync(modules)) {
    const installed = join(modules, name);
    if (!existsSync(join(installed, 'binding.gyp'))) continue;
    const built = join(root, 'node_modules', name);
    const sameVersion =
      existsSync(join(built, 'build', 'Release')) &&
      readJson(join(built, 'package.json')).version === readJson(join(installed, 'package.json')).version;
    if (!sameVersion) {
      await run('npm', ['rebuild', name], { cwd: dir });
      continue;
    }
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    for (const file of readdirSync(join(built, 'build', 'Release')).filter((f) => f.endsWith('.node'))) {
      copyFileSync(join(built, 'build', 'Release', file), join(installed, 'build', 'Release', file));
    }
  }
}

/** `npm install` from the npm cache where it can, without install scripts (see reuseNativeBuilds). */
function npmInstall(dir: string, args: string[]) {
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...args], {
    cwd: dir,
  });
}

async function makeProject(consumer: (typeof CONSUMERS)[number]): Promise<void> {
  const dir = project(consumer.name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: consumer.name, private: true, type: consumer.type }),
  );
  const source = consumer.program.replace(/\.txt$/, '');
  writeFileSync(join(dir, source), readFileSync(new URL(`consumers/${consumer.program}`, import.meta.url)));
  // Each export of each package, imported by name: TS2307 if one does not resolve, TS7016 if it has no types.
  writeFileSync(
    join(dir, 'every-export.ts'),
    `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\nexport const all = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  const setups = {
    ...consumer.typecheck,
    ...(consumer.compile && { [consumer.compile[0]]: consumer.compile[1] }),
  };
  for (const [setup, compilerOptions] of Object.entries(setups)) {
    writeFileSync(
      join(dir, `tsconfig.${setup}.json`),
      JSON.stringify({ compilerOptions, files: [source, 'every-export.ts'] }),
    );
  }
  const typesNode = readJson(join(root, 'node_modules', '@types', 'node', 'package.json')).version;
  await npmInstall(dir, [...tarballs.map((t) => join(work, t.filename)), `@types/node@${typesNode}`]);
  await reuseNativeBuilds(dir);
}

/** Starts the installed emulator as a user would (`npx <command…>`), and resolves with the URL it prints. */
function startEmulator(cwd: string, command = ['@wxpay-kit/emulator']): Promise<string> {
  const emulator = spawn('npx', [...command, '--port', '0', '--data', ':memory:'], {
    cwd,
    detached: true, // its own process group: npx runs the bin in a child, and both must stop
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  emulators.push(emulator);
  let output = '';
  return new Promise((resolve, reject) => {
    emulator.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    emulator.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code}):\n${output}`)));
  });
}

/** A production install of the CLI: the SDK and the CLI, without the emulator (an optional peer). */
async function makeCliOnlyProject(): Promise<void> {
  const dir = project(CLI_ONLY);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: CLI_ONLY, private: true }));
  const wanted = tarballs.filter((t) => t.name === '@wxpay-kit/sdk' || t.name === '@wxpay-kit/cli');
  await npmInstall(dir, ['--omit=peer', ...wanted.map((t) => join(work, t.filename))]);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wxpay-kit-consumers-'));
  // One line in the log says where the minutes go (CI's budget is generous; a shared machine is slow).
  const seconds: Record<string, number> = {};
  let last = performance.now();
  const lap = (step: string) => {
    seconds[step] = Math.round((performance.now() - last) / 100) / 10;
    last = performance.now();
  };
  await run('npm', ['run', 'build'], { cwd: root });
  lap('build');
  const packed = await run(
    'npm',
    ['pack', '--json', '--pack-destination', work, ...PACKAGES.flatMap((dir) => ['-w', dir])],
    { cwd: root },
  );
  tarballs = JSON.parse(packed.stdout);
  lap('pack');
  await Promise.all([...CONSUMERS.map(makeProject), makeCliOnlyProject()]);
  lap('install');
  emulatorUrl = await startEmulator(project(CONSUMERS[0].name));
  lap('npx emulator');
  console.log(`consumer projects ready in ${JSON.stringify(seconds)} seconds`);
}, 20 * MINUTES);

afterAll(() => {
  for (const emulator of emulators) {
    if (emulator.pid && emulator.exitCode === null) process.kill(-emulator.pid, 'SIGTERM');
  }
  if (work) rmSync(work, { recursive: true, force: true });
}, 2 * MINUTES);

describe('npm pack', () => {
  it.each(manifests.map((m, i) => [m.name as string, i] as const))(
    '%s ships a complete package',
    (name, i) => {
      const manifest = manifests[i];
      const files = tarballs.find((t) => t.name === name)!.files.map((f) => f.path);
      expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
      expect(files.filter((f) => /\.tsbuildinfo$|\.map$|(^|\/)src\//.test(f))).toEqual([]);
      for (const field of ['repository', 'homepage', 'bugs', 'engines', 'license']) {
        expect(manifest, field).toHaveProperty(field);
      }
      // Every file that `exports`, `main`, `types`, `typesVersions` and `bin` name is in the tarball.
      const targets = JSON.stringify([
        manifest.exports,
        manifest.main,
        manifest.types,
        manifest.typesVersions,
        manifest.bin,
      ]).match(/\.\/dist\/[^"]+/g)!;
      for (const target of targets) expect(files, target).toContain(target.slice(2));
      // A workspace package depends on another by a version that exists once both are published.
      const dependencies = { ...manifest.dependencies, ...manifest.peerDependencies };
      for (const [dependency, range] of Object.entries<string>(dependencies)) {
        const sibling = manifests.find((m) => m.name === dependency);
        if (sibling) expect(range, dependency).toBe(sibling.version);
      }
    },
  );

  it('the SDK ships bundled JavaScript: its modules import only each other and Node built-ins', () => {
    // The unbundled build loaded ~770 files (680 of them TypeBox's) on every import: 10x the bundle's load time.
    const installed = join(project(CLI_ONLY), 'node_modules', '@wxpay-kit', 'sdk');
    const scripts = [...readdirSync(join(installed, 'dist'), { recursive: true, encoding: 'utf8' })].filter(
      (file) => file.endsWith('.js'),
    );
    expect(scripts.every((file) => file.startsWith('bundle/'))).toBe(true);
    const specifiers = scripts.flatMap((file) =>
      [
        ...readFileSync(join(installed, 'dist', file), 'utf8').matchAll(
          /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g,
        ),
      ].map((match) => match[1] ?? match[2]),
    );
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s!.startsWith('node:') && !s!.startsWith('.'))).toEqual([]);
  });

  it('the README of each package links to the main one', () => {
    for (const [i, dir] of PACKAGES.entries()) {
      // git+https://github.com/o/r.git → https://github.com/o/r, whose page shows the main README.
      const repository = manifests[i].repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
      expect(readFileSync(join(root, dir, 'README.md'), 'utf8')).toContain(`](${repository}#`);
    }
  });
});

describe('one implementation per package', () => {
  it('require() and import() of every export give the same module', async () => {
    const script = `
      const specifiers = ${JSON.stringify(specifiers)};
      (async () => {
        const differ = [];
        for (const s of specifiers) if (require(s) !== (await import(s))) differ.push(s);
        console.log(JSON.stringify(differ));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: project('js-cjs') });
    expect(JSON.parse(stdout)).toEqual([]);
  });
});

describe.each(CONSUMERS.map((c) => [c.name, c] as const))('installed into a %s project', (name, consumer) => {
  it.each(Object.keys(consumer.typecheck))(
    'type-checks with %s',
    async (setup) => {
      // Rejects with tsc's diagnostics when the package declarations do not resolve or do not type-check.
      await run(process.execPath, [tsc, '-p', `tsconfig.${setup}.json`], { cwd: project(name) });
    },
    5 * MINUTES,
  );

  it(
    `${consumer.compile ? `compiles with ${consumer.compile[0]}, ` : ''}makes signed calls to the installed emulator; one error class for import and require`,
    async () => {
      const dir = project(name);
      if (consumer.compile)
        await run(process.execPath, [tsc, '-p', `tsconfig.${consumer.compile[0]}.json`], { cwd: dir });
      const program = consumer.compile ? `out/${name}.js` : consumer.program.replace(/\.txt$/, '');
      const { stdout } = await run(process.execPath, [program, emulatorUrl], { cwd: dir });
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        package_info: 'string',
        code: 'NOT_FOUND',
        instanceofImported: true,
        redisErrorIsSdkError: true,
      });
      if ('instanceofRequired' in result) expect(result.instanceofRequired).toBe(true);
    },
    5 * MINUTES,
  );
});

/** The installed `wxpay-kit`, run with npx as a user would (offline: were it missing, npx must not fetch a
 * package of that name from the registry), with a profile file of its own; answers its exit code and output. */
async function wxpayKit(
  args: string[],
  cwd = project('js-cjs'),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('WXPAY_KIT_')),
  );
  env['WXPAY_KIT_CONFIG'] = join(work, 'profiles.json');
  env['npm_config_offline'] = 'true';
  try {
    const { stdout, stderr } = await run('npx', ['wxpay-kit', ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout: string; stderr: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the installed wxpay-kit CLI', () => {
  it(
    '--help lists every operation of the catalogue',
    async () => {
      const { code, stdout } = await wxpayKit(['--help']);
      expect(code).toBe(0);
      const listed = [...stdout.matchAll(/^ {2}(\w+\.\w+) /gm)].map((match) => match[1]);
      expect(listed.sort()).toEqual([...operationNames].sort());
    },
    5 * MINUTES,
  );

  it(
    'takes its profiles from the installed emulator and makes signed calls: 0 with the resource, 4 for NOT_FOUND',
    async () => {
      expect(await wxpayKit(['profile', 'add', '--from-emulator', emulatorUrl])).toMatchObject({ code: 0 });
      const { merchants } = (await (await fetch(`${emulatorUrl}/_emulator/merchants`)).json()) as {
        merchants: { key: string; appid: string }[];
      };
      const applied = await wxpayKit([
        '--json',
        'authorizations.apply',
        ...['--out_authorization_no', `cli${Date.now()}`, '--transfer_scene_id', '1000'],
        ...['--appid', merchants.find((m) => m.key === 'ordinary')!.appid],
        ...['--openid', 'o-MYE42l80oelYMDE34nYD456Xoy', '--user_display_name', 'wx_123456'],
        ...['--user_recv_perception', '现金奖励'],
        ...['--authorization_notify_url', 'https://merchant.example.com/wxpay/notify'],
      ]);
      expect(applied.code, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout)).toHaveProperty('package_info');
      const missing = await wxpayKit(['authorizations.get', '--out_authorization_no', 'neverApplied']);
      expect(missing.code, missing.stderr).toBe(4);
      expect(missing.stderr).toMatch(/404 NOT_FOUND/);
    },
    5 * MINUTES,
  );

  it(
    'emulator start runs the installed emulator, and emulator trigger drives it through its control client',
    async () => {
      const url = await startEmulator(project('js-cjs'), ['wxpay-kit', 'emulator', 'start']);
      const { code, stdout, stderr } = await wxpayKit([
        '--json',
        'emulator',
        'trigger',
        '--list',
        '--url',
        url,
      ]);
      expect(code, stderr).toBe(0);
      expect(JSON.parse(stdout).map((row: { action: string }) => row.action)).toContain(
        'authorizations.confirm',
      );
    },
    5 * MINUTES,
  );
});

describe('the CLI installed without the emulator (its optional peer)', () => {
  it(
    'makes signed calls, and says how to install the emulator when a command needs it',
    async () => {
      const cwd = project(CLI_ONLY);
      expect(existsSync(join(cwd, 'node_modules', '@wxpay-kit', 'emulator'))).toBe(false);
      const { merchants } = (await (await fetch(`${emulatorUrl}/_emulator/merchants`)).json()) as {
        merchants: { key: string }[];
      };
      // Profiles come from the running emulator over HTTP: no emulator package needed for that.
      const added = await wxpayKit(['profile', 'add', '--from-emulator', emulatorUrl], cwd);
      expect(added.code, added.stderr).toBe(0);
      expect(merchants.length).toBeGreaterThan(0);
      const missing = await wxpayKit(['authorizations.get', '--out_authorization_no', 'neverApplied'], cwd);
      expect(missing.code, missing.stderr).toBe(4);
      expect(missing.stderr).toMatch(/404 NOT_FOUND/);
      for (const command of [
        ['emulator', 'start', '--port', '0'],
        ['emulator', 'trigger', '--list', '--url', emulatorUrl],
      ]) {
        const refused = await wxpayKit(command, cwd);
        expect(refused.code, command.join(' ')).toBe(2);
        expect(refused.stderr).toMatch(/npm install --save-dev @wxpay-kit\/emulator/);
      }
    },
    5 * MINUTES,
  );
});
