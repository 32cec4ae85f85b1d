#!/usr/bin/env node
// One-time (idempotent) setup: npm deps, Jupyter from Debian, this checkout's tslab kernelspec,
// the build, and the self-link node_modules/paretonas -> repo root so that
// notebooks can `import ... from "paretonas"`.
//
// Plain Node, no dependencies: it runs before node_modules exists.
//
//   node scripts/setup.mjs [--skip-jupyter] [--skip-python] [--skip-chromium] [--skip-redis]
//
// --skip-jupyter skips the Jupyter install and the kernelspec; --skip-python skips
// Debian's python3-torch, python3-torchvision, python3-onnx and dataset-fashion-mnist (the
// PyTorch trainer of trainers/torch, and cross-checks: PyTorch-exported ONNX files, torchvision's
// own counts, onnx.checker); --skip-chromium skips Debian's chromium (headless
// rendering of report pages and figure export; its tests skip without it); --skip-redis skips
// Debian's redis-server (the queue of `search --queue` and `paretonas worker`; its tests start
// their own server on a free loopback port and skip without it).

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = '/usr/bin/python3';
const TSLAB_BIN = join(ROOT, 'node_modules', '.bin', 'tslab');
/** This checkout's Jupyter data folder (gitignored): kernels/tslab/kernel.json lives under it. */
const KERNELS_ROOT = join(ROOT, '.jupyter');
const APT_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel'];
const PYTHON_PACKAGES = ['python3-torch', 'python3-scipy', 'python3-torchvision', 'python3-onnx', 'python3-optuna', 'python3-deap', 'dataset-fashion-mnist'];
const FASHION_MNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const CHROMIUM_PACKAGES = ['chromium'];
const QUEUE_PACKAGES = ['redis-server'];

const args = process.argv.slice(2);
const USAGE = 'usage: node scripts/setup.mjs [--skip-jupyter] [--skip-python] [--skip-chromium] [--skip-redis]';
const known = new Set(['--skip-jupyter', '--skip-python', '--skip-chromium', '--skip-redis']);
for (const a of args) {
  if (a === '-h' || a === '--help') {
    console.log(USAGE);
    process.exit(0);
  }
  if (!known.has(a)) fail('arguments', `unknown argument ${a} (${USAGE})`);
}
const skipJupyter = args.includes('--skip-jupyter');
const skipPython = args.includes('--skip-python');
const skipChromium = args.includes('--skip-chromium');
const skipRedis = args.includes('--skip-redis');

function log(msg) {
  console.log(`[setup] ${msg}`);
}

function fail(step, msg, code = 1) {
  console.error(`[setup] failed: ${step}: ${msg}`);
  process.exit(code || 1);
}

/** Runs a command with inherited stdio; on failure exits naming the step. */
function run(step, cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) fail(step, `could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    const why = r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    fail(step, `\`${[cmd, ...cmdArgs].join(' ')}\` failed (${why})`, r.status ?? 1);
  }
}

/** Runs a command quietly; returns { ok, stdout }. */
function probe(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: !r.error && r.status === 0, stdout: r.stdout ?? '' };
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Writes .jupyter/kernels/tslab/kernel.json (what `tslab install` writes, pointed at this checkout). */
function writeKernelspec() {
  const dir = join(KERNELS_ROOT, 'kernels', 'tslab');
  const spec = {
    argv: [TSLAB_BIN, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (paretonas)',
    language: 'typescript',
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), `${JSON.stringify(spec, null, 1)}\n`);
  log(`tslab kernel of this checkout written to ${join(dir, 'kernel.json')} (used by npm run notebooks and npm run jupyter)`);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// a. npm dependencies --------------------------------------------------------
// `npm ci` installs exactly the lock file, so setup leaves `git status` clean. Install scripts of
// dependencies are denied in package.json's `allowScripts` (npm 11's install-script approvals);
// for an npm that still runs them, ONNXRUNTIME_NODE_INSTALL=skip (read by onnxruntime-node's
// script/install-utils.js) stops onnxruntime-node from downloading its CUDA parts: its CPU
// binaries ship inside the package, and a fresh machine may be offline.
log('installing npm dependencies from the lock file (npm ci)');
run('npm ci', npm, ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });

let aptUpdated = false;
/** Installs Debian packages unless `installed()` already holds; safe to call again. */
function ensureDebianPackages(step, what, packages, installed) {
  if (installed()) {
    log(`${what} already installed`);
    return;
  }
  const manual = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;
  if (onPath('apt-get') === null) fail(step, `${what} is missing and apt-get is not available; install the equivalent of: ${manual}`);
  let prefix = [];
  if (!isRoot) {
    if (onPath('sudo') === null) fail(step, `${what} is missing, this is not root and sudo is not available; as root run: ${manual}`);
    prefix = ['sudo', '-E'];
  }
  log(`installing ${what} from Debian (${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const commands = [...(aptUpdated ? [] : [['apt-get', 'update']]), ['apt-get', 'install', '-y', ...packages]];
  for (const c of commands) {
    const full = [...prefix, ...c];
    run(step, full[0], full.slice(1), { env });
  }
  aptUpdated = true;
  if (!installed()) fail(step, `installed ${packages.join(' ')} but ${what} is still missing`);
}

if (skipJupyter) {
  log('skipping Jupyter install and the tslab kernelspec (--skip-jupyter)');
} else {
  // b. Jupyter from Debian -----------------------------------------------------
  ensureDebianPackages('jupyter', 'Jupyter (jupyter-nbconvert, nbclient)', APT_PACKAGES, () =>
    onPath('jupyter-nbconvert') !== null && onPath('jupyter') !== null && existsSync(PYTHON) && probe(PYTHON, ['-c', 'import nbclient']).ok,
  );

  // c. tslab kernel: a kernelspec of this checkout's own, never a user-wide one ------------------
  // A user-wide `tslab` kernelspec points into whichever checkout registered it last, so a second
  // clone (or a deleted one) breaks every notebook here. `npm run notebooks` and `npm run jupyter`
  // put KERNELS_ROOT first on JUPYTER_PATH, ahead of the user and system kernel folders.
  if (!existsSync(TSLAB_BIN)) fail('tslab kernel', `${TSLAB_BIN} is missing (did npm ci succeed?)`);
  writeKernelspec();
}

// b2. Cross-check tools: PyTorch's exporter and torchvision's counts, ONNX's checker ----------------
if (skipPython) {
  log('skipping PyTorch, Fashion-MNIST and the Python cross-check packages (--skip-python): `--evaluator torch:...` and the trainer tests will not run; rerun setup without --skip-python to get them');
} else {
  ensureDebianPackages('python trainer and cross-checks', 'PyTorch, SciPy, torchvision, onnx, Optuna, DEAP and Fashion-MNIST', PYTHON_PACKAGES, () =>
    existsSync(PYTHON) && existsSync(FASHION_MNIST) && probe(PYTHON, ['-c', 'import torch, torchvision, onnx, optuna, deap, scipy']).ok,
  );
}

// b3. Headless Chromium: rendering report pages offline, exporting figures to PNG and SVG ----------
if (skipChromium) {
  log('skipping Chromium (--skip-chromium)');
} else {
  ensureDebianPackages('chromium', 'Chromium (headless rendering and figure export)', CHROMIUM_PACKAGES, () =>
    existsSync('/usr/bin/chromium') || probe('chromium', ['--version']).ok,
  );
}

// b4. Redis: the queue between `search --queue` and `paretonas worker` ------------------------------
// Debian's package also enables a service on port 6379 under systemd; in a container without
// systemd no daemon starts. Nothing here or in the tests uses that service: the queue tests start
// their own redis-server on a free loopback port.
if (skipRedis) {
  log('skipping Redis (--skip-redis): the queue tests will skip; `search --queue` needs a Redis server somewhere');
} else {
  ensureDebianPackages('redis', 'Redis (the queue for paretonas worker and its tests)', QUEUE_PACKAGES, () => onPath('redis-server') !== null);
}

// d. Build -----------------------------------------------------------------------
log('building (npm run build)');
run('build', npm, ['run', 'build']);

// e. Self-link node_modules/paretonas -> repo root ---------------------------------
const linkPath = join(ROOT, 'node_modules', 'paretonas');
const linkOk = (() => {
  try {
    return lstatSync(linkPath).isSymbolicLink() && realpathSync(linkPath) === realpathSync(ROOT);
  } catch {
    return false;
  }
})();
if (linkOk) {
  log('node_modules/paretonas already links to the repo');
} else {
  log('linking node_modules/paretonas -> repo root');
  try {
    mkdirSync(join(ROOT, 'node_modules'), { recursive: true });
    // Remove a wrong or dangling link without following it, or a stray copy.
    let st = null;
    try {
      st = lstatSync(linkPath);
    } catch {
      /* absent */
    }
    if (st?.isSymbolicLink()) unlinkSync(linkPath);
    else if (st) rmSync(linkPath, { recursive: true, force: true });
    symlinkSync('..', linkPath, 'dir');
    if (realpathSync(linkPath) !== realpathSync(ROOT)) throw new Error('link does not resolve to the repo root');
  } catch (e) {
    fail('link', e.message);
  }
}

log('done');
