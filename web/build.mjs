// Bundles the dashboard with esbuild into one directory that `truceline serve` serves at `/`:
// index.html, app.js, app.css (Leaflet's stylesheet and ours) and their source maps; and beside
// it the observer app, served at `/report`: report.html, report.js, report.css and its service
// worker report-sw.js. Nothing is fetched at run time from anywhere but the server itself.
//
//   node build.mjs [OUT_DIR]     DEFAULT: web/dist
//
// The bundle is written to a temporary directory and renamed into place, so a failed build leaves
// the previous dashboard (or none), never half of one.
import * as esbuild from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'dist'));
const tmp = `${out}.tmp-${process.pid}`;
const old = `${out}.old-${process.pid}`;

// The observer app's service worker, a classic script of its own (not part of a bundle), with
// the hash of the files it keeps offline written in: a changed app is a changed worker, which
// the browser installs, and which replaces the cached copies.
async function buildWorker() {
  const h = crypto.createHash('sha256');
  for (const f of ['report.html', 'report.js', 'report.css']) h.update(fs.readFileSync(path.join(tmp, f)));
  await esbuild.build({
    absWorkingDir: here,
    entryPoints: { 'report-sw': 'src/report-sw.js' },
    bundle: false,
    format: 'iife',
    minify: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    define: { SHELL_VERSION: JSON.stringify(h.digest('hex').slice(0, 16)) },
    outdir: tmp,
    logLevel: 'warning',
  });
}

fs.rmSync(tmp, { recursive: true, force: true });
try {
  await esbuild.build({
    absWorkingDir: here,
    entryPoints: { app: 'src/main.js', report: 'src/report-main.js' },
    bundle: true,
    format: 'esm',
    minify: true,
    sourcemap: 'linked',
    target: ['chrome100', 'firefox100', 'safari15'],
    // Leaflet's stylesheet names a few images; inlined, so the page needs no other file.
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    outdir: tmp,
    logLevel: 'warning',
  });
  fs.copyFileSync(path.join(here, 'src', 'index.html'), path.join(tmp, 'index.html'));
  fs.copyFileSync(path.join(here, 'src', 'report.html'), path.join(tmp, 'report.html'));
  await buildWorker();
} catch (e) {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`web: build failed: ${e.message.split('\n')[0]}`);
  process.exit(2);
}
if (fs.existsSync(out)) fs.renameSync(out, old);
fs.renameSync(tmp, out);
fs.rmSync(old, { recursive: true, force: true });
console.error(`web: dashboard built in ${path.relative(process.cwd(), out) || '.'}`);
