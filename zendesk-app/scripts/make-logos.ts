/**
 * Draws the app's two logos (a lifebuoy) into zendesk-app/assets, at the sizes Zendesk asks
 * for: logo.png 320×320 (full bleed, no rounded corners) and logo-small.png 128×128 (PNG-24 with
 * transparency). The PNGs are committed; run this again only to change them:
 *
 *   npx tsx zendesk-app/scripts/make-logos.ts
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from './png.js';

type Rgba = [number, number, number, number];

const red: Rgba = [200, 50, 42, 255];
const white: Rgba = [255, 255, 255, 255];
const slate: Rgba = [29, 36, 48, 255];
const clear: Rgba = [0, 0, 0, 0];

/** The colour at (x, y) in a unit square centred on 0: a ring of four red and four white bands. */
function lifebuoy(x: number, y: number, background: Rgba, outline: Rgba | undefined): Rgba {
  const radius = Math.hypot(x, y);
  const outer = 0.44;
  const inner = 0.25;
  const edge = 0.018;
  if (outline && radius >= outer && radius < outer + edge) return outline;
  if (outline && radius > inner - edge && radius <= inner) return outline;
  if (radius < inner || radius >= outer) return background;
  const band = Math.floor(
    ((Math.atan2(y, x) + Math.PI / 4 + 2 * Math.PI) % (2 * Math.PI)) / (Math.PI / 2),
  );
  return band % 2 === 0 ? red : white;
}

/** Renders with 4×4 samples per pixel, so the ring's edges are smooth. */
export function drawLogo(size: number, background: Rgba, outline?: Rgba): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size - 0.5;
          const y = (py + (sy + 0.5) / samples) / size - 0.5;
          const [r, g, b, a] = lifebuoy(x, y, background, outline);
          // Premultiplied, so transparent samples do not darken the edge.
          sum[0] = (sum[0] ?? 0) + (r * a) / 255;
          sum[1] = (sum[1] ?? 0) + (g * a) / 255;
          sum[2] = (sum[2] ?? 0) + (b * a) / 255;
          sum[3] = (sum[3] ?? 0) + a;
        }
      }
      const n = samples * samples;
      const alpha = (sum[3] ?? 0) / n;
      const at = (py * size + px) * 4;
      for (let channel = 0; channel < 3; channel++) {
        pixels[at + channel] =
          alpha === 0 ? 0 : Math.round((((sum[channel] ?? 0) / n) * 255) / alpha);
      }
      pixels[at + 3] = Math.round(alpha);
    }
  }
  return pixels;
}

export const logoSizes = { 'logo.png': 320, 'logo-small.png': 128 } as const;

// Run directly, also through a link to the file (the tests run the checkout through links).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const assets = new URL('../assets/', import.meta.url);
  writeFileSync(new URL('logo.png', assets), encodePng(320, 320, drawLogo(320, slate)));
  writeFileSync(
    new URL('logo-small.png', assets),
    encodePng(128, 128, drawLogo(128, clear, slate)),
  );
  console.error('Wrote zendesk-app/assets/logo.png (320×320) and logo-small.png (128×128).');
}
