// A real `truceline serve` for the end-to-end tests: a fresh SQLite record in a temporary
// directory, tokens made with `truceline token create`, any free loopback port.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function createToken(binary, db, role, name, contingent) {
  const extra = contingent ? ['--contingent', contingent] : [];
  const out = execFileSync(binary, ['token', 'create', '--db', db, '--role', role, '--name', name, ...extra],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.trim().split('\n').pop();
}

// Starts the server and resolves once it prints the address it listens on. `args`: more options of
// serve; with --cot-listen, `cotPort` is the CoT port it printed.
export async function startServer({ binary, plan, web, args = [], timeoutMs = 120_000 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-e2e-'));
  const db = path.join(dir, 'record.sqlite');
  const tokens = {
    analyst: createToken(binary, db, 'analyst', 'e2e analyst'),
    admin: createToken(binary, db, 'admin', 'e2e admin'),
  };
  const proc = spawn(binary, ['serve', '--plan', plan, '--db', db, '--listen', '127.0.0.1:0', '--threads', '16', '--web', web, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  let cotPort = null;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no address in ${timeoutMs / 1000} s:\n${log}`)), timeoutMs);
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const cot = /CoT on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (cot) cotPort = Number(cot[1]);
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) clearTimeout(timer), resolve(m[1]);
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${log}`)); });
  });
  proc.removeAllListeners('exit');
  return {
    url, tokens, dir, db, cotPort, log: () => log,
    async stop() {
      if (proc.exitCode == null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode == null) proc.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function api(server, method, p, token, body) {
  const res = await fetch(new URL(p, server.url), {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}
