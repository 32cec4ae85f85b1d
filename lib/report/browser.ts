/**
 * Headless Chromium (Debian's `chromium`), driven by puppeteer-core and kept off the network.
 * Pages render from files (or from a loopback port the caller allows), and every request the
 * browser tries goes to a proxy of ours on loopback that records it and refuses it
 * (lib/report/refusing-proxy.ts), so a page that reaches for the network is counted (and fails)
 * instead of leaving the machine.
 *
 * Chromium's own background traffic is turned off by flags; what flags cannot turn off (the
 * component updater's and the account service's start-up checks) is pointed at the proxy itself
 * and reported apart, as `browserRequests`. puppeteer-core talks to Chromium over a pipe (no
 * debugging port) and downloads no browser.
 */
import { accessSync, constants, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { startRefusingProxy } from './refusing-proxy.js';

export const CHROMIUM_MISSING_MESSAGE =
  "headless Chromium not found: install Debian's chromium (apt-get install -y chromium) or set PARETONAS_CHROMIUM to its path";

/** Thrown when no Chromium can be found (see {@link findChromium}). */
export class ChromiumMissing extends Error {
  constructor(detail?: string) {
    super(detail ? `${CHROMIUM_MISSING_MESSAGE} (${detail})` : CHROMIUM_MISSING_MESSAGE);
    this.name = 'ChromiumMissing';
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to run: `PARETONAS_CHROMIUM` when set (null if that is no executable file: an
 * explicit choice is not silently replaced), else /usr/bin/chromium, else `chromium` on PATH.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.PARETONAS_CHROMIUM;
  if (chosen) return isExecutableFile(chosen) ? chosen : null;
  if (isExecutableFile('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, 'chromium'))) return join(dir, 'chromium');
  }
  return null;
}

/** {@link findChromium}'s path; throws {@link ChromiumMissing} (naming PARETONAS_CHROMIUM when that was set) otherwise. */
export function requireChromium(): string {
  const found = findChromium();
  if (found) return found;
  const chosen = process.env.PARETONAS_CHROMIUM;
  throw new ChromiumMissing(chosen ? `PARETONAS_CHROMIUM=${chosen} is not an executable file` : undefined);
}

/**
 * Flags of every run: headless, no sandbox (root), no GPU, no QUIC (UDP would bypass the proxy),
 * none of Chromium's background networking, no WebRTC UDP outside the proxy.
 */
export const OFFLINE_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--no-default-browser-check',
  // the browser's own background fetches (network time, optimization-guide hints and models, autofill's queries about a page's form fields), not the page's
  '--disable-features=NetworkTimeServiceQuerying,OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,OptimizationTargetPrediction,MediaRouter,AutofillServerCommunication',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  '--hide-scrollbars',
  '--mute-audio',
];

export interface OfflineBrowserOptions {
  /**
   * Loopback ports whose requests (to http://127.0.0.1:PORT/...) go straight to that port instead
   * of the refusing proxy: the dashboard's server. Integers 1..65535. Default none.
   */
  allowLoopbackPorts?: readonly number[];
  /** Give up launching Chromium after this long; default 30,000 ms. */
  launchTimeoutMs?: number;
  /** Give up on any one DevTools call (a page load, a screenshot) after this long; default 60,000 ms. */
  protocolTimeoutMs?: number;
}

export interface OfflineBrowser {
  browser: Browser;
  /** Every request a page (or anything in the browser) tried to send off the machine; refused. Live array. */
  networkRequests: string[];
  /** Chromium's own start-up checks, redirected to the proxy's address (never left the machine). Live array. */
  browserRequests: string[];
  /**
   * Closes the browser (killing it if it does not close within 5 s), the proxy, and removes the
   * profile. Until then a SIGINT, SIGTERM or SIGHUP (or the process exiting) kills the browser and
   * removes the profile first.
   */
  close(): Promise<void>;
}

/** Command-line flags for one launch (the offline flags less `--headless`, which puppeteer sets itself). */
export function offlineLaunchArgs(proxyPort: number, allowLoopbackPorts: readonly number[] = []): string[] {
  const sink = `http://127.0.0.1:${proxyPort}`;
  // "<-loopback>" sends loopback through the proxy too; the listed 127.0.0.1:PORT rules then bypass it
  const bypass = ['<-loopback>', ...allowLoopbackPorts.map((p) => `127.0.0.1:${p}`)].join(';');
  return [
    ...OFFLINE_FLAGS.filter((f) => f !== '--headless'),
    `--proxy-server=${sink}`,
    `--proxy-bypass-list=${bypass}`,
    `--component-updater=url-source=${sink}/component-updater`,
    `--gaia-url=${sink}`,
  ];
}

/**
 * Launches Debian's chromium through puppeteer-core with the offline flags, a fresh profile and
 * the refusing proxy. One browser serves many pages: open them with `browser.newPage()`.
 * Throws {@link ChromiumMissing} when there is no Chromium, RangeError on a bad port.
 */
export async function launchOfflineBrowser(options: OfflineBrowserOptions = {}): Promise<OfflineBrowser> {
  const executablePath = requireChromium();
  for (const p of options.allowLoopbackPorts ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`allowLoopbackPorts: ${p} is not a TCP port (an integer 1..65535)`);
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const profile = await mkdtemp(join(tmpdir(), 'paretonas-chromium-profile-'));
  const proxy = await startRefusingProxy();
  const cleanUp = async () => {
    await proxy.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir: profile,
      args: offlineLaunchArgs(proxy.port, options.allowLoopbackPorts),
      timeout: options.launchTimeoutMs ?? 30_000,
      protocolTimeout: options.protocolTimeoutMs ?? 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    await cleanUp();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new ChromiumMissing(`${executablePath}: ${err.message}`);
    throw new Error(`chromium (${executablePath}) did not start: ${err.message.split('\n')[0]}`);
  }
  // Chromium runs in its own process group, so a Ctrl-C at the terminal never reaches it: on a
  // signal (or exit) it is killed and the profile removed here, then the signal takes its default
  // course unless the program has its own handler for it.
  const proc = browser.process();
  const running = () => proc !== null && proc.exitCode === null && proc.signalCode === null;
  const killGroup = () => {
    try {
      if (running() && proc?.pid !== undefined) process.kill(-proc.pid, 'SIGKILL'); // the browser and its helpers
    } catch {
      proc?.kill('SIGKILL');
    }
  };
  const killNow = () => {
    killGroup();
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    detach();
    killGroup();
    const exited = running() && proc ? new Promise<void>((ok) => proc.once('exit', () => ok())) : Promise.resolve();
    void Promise.race([exited, new Promise<void>((ok) => setTimeout(ok, 2_000))])
      .then(cleanUp)
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const detach = () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', killNow);
  };
  for (const s of signals) process.once(s, onSignal);
  process.once('exit', killNow);
  let closed = false;
  return {
    browser,
    networkRequests: proxy.networkRequests,
    browserRequests: proxy.browserRequests,
    async close() {
      if (closed) return;
      closed = true;
      detach();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([browser.close().catch(() => {}), new Promise<void>((ok) => (timer = setTimeout(ok, 5_000)))]);
      clearTimeout(timer);
      killGroup();
      await cleanUp();
    },
  };
}
