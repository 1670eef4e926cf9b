// Start `buurt serve` on a free port for the tests, and stop it afterwards.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The `buurt` binary: $BUURT_BIN, else `debug/buurt` in $CARGO_TARGET_DIR or the repo's target/. */
export function buurtBinary() {
  if (process.env.BUURT_BIN) return process.env.BUURT_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target');
  return path.join(target, 'debug', 'buurt');
}

/**
 * Runs `buurt serve` from the repository root (so it shares the atlas cache `.buurt-cache/`) and
 * waits for `/health`; the first start may build the atlas, which takes minutes.
 */
export async function startServer({ timeoutMs = 300_000, env: extraEnv = {} } = {}) {
  const bin = buurtBinary();
  if (!existsSync(bin)) {
    throw new Error(`buurt binary ${bin} not found: build it with 'cargo build -p buurt-cli' or set BUURT_BIN`);
  }
  const port = await freePort();
  const env = { ...process.env, ...extraEnv };
  env.BUURT_DATA ||= path.join(repoRoot, '..', 'shared', 'data');
  const child = spawn(bin, ['--quiet', 'serve', '--addr', `127.0.0.1:${port}`], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`buurt serve exited (${JSON.stringify(exited)}):\n${log}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`buurt serve did not answer /health within ${timeoutMs / 1000} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    log: () => log,
    stop: () => new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
