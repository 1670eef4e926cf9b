// Headless Chromium (Debian's `chromium`) driven by playwright-core, with WebGL on SwiftShader,
// and helpers that read what the map canvas actually shows.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { repoRoot } from './server.mjs';

export const outputDir = path.join(repoRoot, 'tests', 'e2e', 'output');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
  // WebGL without a GPU: ANGLE on the SwiftShader software renderer.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
];

export async function launch() {
  mkdirSync(outputDir, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Records console errors and uncaught page errors of `page`. */
export function watchErrors(page, errors) {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} (${m.location()?.url ?? ''})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Tile requests MapLibre aborts when the view changes are not failures.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
}

/** Waits until the viewer has drawn the view described by `key` (indicator|year|level|…). */
export async function waitForMap(page, key) {
  await page.waitForFunction(
    (k) => document.body.dataset.mapReady && (!k || document.body.dataset.mapReady === k),
    key ?? null,
    { timeout: 120_000 },
  );
}

/**
 * What the map canvas shows (the WebGL drawing buffer, read back through a 2D canvas): for each
 * legend class the number of pixels of its colour as drawn (88 % opaque) over the background
 * colour `background`, and a coarse
 * grid of pixel colours to compare two views.
 */
export function readCanvas(page, background = [0xee, 0xf0, 0xf2]) {
  return page.evaluate(async (background) => {
    const canvas = document.querySelector('#map canvas');
    const img = new Image();
    img.src = canvas.toDataURL('image/png');
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const { data } = g.getImageData(0, 0, c.width, c.height);
    const rgb = (css) => css.match(/\d+/g).slice(0, 3).map(Number);
    const opacity = 0.88;
    const swatches = [...document.querySelectorAll('#legend li[data-class] .swatch')].map((s) => ({
      klass: s.parentElement.dataset.class,
      drawn: rgb(getComputedStyle(s).backgroundColor).map((v, k) => v * opacity + background[k] * (1 - opacity)),
    }));
    const counts = Object.fromEntries(swatches.map((s) => [s.klass, 0]));
    for (let i = 0; i < data.length; i += 4) {
      for (const s of swatches) {
        if (Math.abs(data[i] - s.drawn[0]) <= 6 && Math.abs(data[i + 1] - s.drawn[1]) <= 6 && Math.abs(data[i + 2] - s.drawn[2]) <= 6) {
          counts[s.klass] += 1;
          break;
        }
      }
    }
    const grid = [];
    for (let y = 5; y < c.height; y += 10) {
      for (let x = 5; x < c.width; x += 10) {
        const i = (y * c.width + x) * 4;
        grid.push([data[i], data[i + 1], data[i + 2]]);
      }
    }
    return { width: c.width, height: c.height, counts, grid };
  }, background);
}

/** The share of grid pixels whose colour differs between two readings. */
export function changedShare(a, b) {
  let changed = 0;
  for (let i = 0; i < a.grid.length; i += 1) {
    const d = a.grid[i].reduce((s, v, k) => s + Math.abs(v - b.grid[i][k]), 0);
    if (d > 30) changed += 1;
  }
  return changed / a.grid.length;
}

/** The pixel of the map canvas under a lon/lat, from the view in the URL hash (#zoom/lat/lon). */
export async function screenPoint(page, [lon, lat]) {
  const { hash, box } = await page.evaluate(() => {
    const r = document.querySelector('#map canvas').getBoundingClientRect();
    return { hash: window.location.hash, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
  });
  const [zoom, clat, clon] = hash.slice(1).split('/').map(Number);
  const world = 512 * 2 ** zoom;
  const mx = (l) => ((l + 180) / 360) * world;
  const my = (p) => {
    const s = Math.sin((p * Math.PI) / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world;
  };
  return {
    x: box.x + box.width / 2 + (mx(lon) - mx(clon)),
    y: box.y + box.height / 2 + (my(lat) - my(clat)),
  };
}
