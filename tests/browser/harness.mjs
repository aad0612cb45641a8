// Test harness for the widget's browser tests: runs the real advisor binary
// on loopback (ephemeral port, or a given one to restart on the same port),
// launches Debian's chromium through playwright-core, saves screenshots to
// tests/artifacts/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  throw new Error('playwright-core is missing: run `npm ci` in tests/browser (deploy/setup.sh test does). ' + e.message);
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const artifacts = path.resolve(here, '..', 'artifacts');
export const serverBin = process.env.ADVISOR_SERVER_BIN || path.resolve(here, '..', '..', 'build', 'advisor');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Servers still running when this process exits (a failed or killed test)
// are killed by PID, so none outlives the test run.
const live = new Set();
process.on('exit', () => {
  for (const proc of live) {
    try { process.kill(proc.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

// A running advisor server. start() resolves once the first stdout line (the
// JSON "listening" event) gives the port; stop() ends it by PID.
export class AdvisorServer {
  constructor(extraArgs = []) {
    this.extraArgs = extraArgs;
    this.proc = null;
    this.port = 0;
    this.stderr = '';
  }

  async start(port = 0) {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--threads', '1', ...this.extraArgs];
    const proc = spawn(serverBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    proc.stderr.on('data', (d) => { this.stderr += d; });
    this.port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('no listening line within 15 s; stderr: ' + this.stderr)), 15000);
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}): ${this.stderr}`)); });
      proc.stdout.on('data', (d) => {
        out += d;
        const nl = out.indexOf('\n');
        if (nl < 0) return;
        clearTimeout(timer);
        try {
          const event = JSON.parse(out.slice(0, nl));
          if (event.event !== 'listening' || !event.port) throw new Error('not a listening event: ' + out.slice(0, nl));
          resolve(event.port);
        } catch (e) { reject(e); }
      });
    });
    proc.stdout.resume();
    return this.port;
  }

  get origin() { return `http://127.0.0.1:${this.port}`; }

  // SIGTERM, then SIGKILL if it has not exited within the timeout.
  async stop(timeoutMs = 5000) {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    process.kill(proc.pid, 'SIGTERM');
    const timer = setTimeout(() => { if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL'); }, timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  // SIGKILL: the server vanishes without closing its connections cleanly.
  async kill() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    process.kill(proc.pid, 'SIGKILL');
    await exited;
  }
}

// Launches headless chromium with the flags this machine needs. Playwright
// gives every launch a fresh, empty profile (--user-data-dir in a new
// temporary folder, removed on close); each test opens its own context, so
// tests share no storage.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    timeout: 30000,
  });
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name + '.png') });
}
