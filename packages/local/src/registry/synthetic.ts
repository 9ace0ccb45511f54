import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The size of a generated election. */
export interface SyntheticSize {
  readonly regions: number;
  readonly constituencies: number;
  readonly candidatesPerConstituency: number;
  readonly booths: number;
  readonly voters: number;
  /** One machine per booth when true (random public keys: fine for imports, not for casting). */
  readonly machines?: boolean;
}

/** Where each generated file was written. */
export type SyntheticFiles = Readonly<
  Record<'regions' | 'constituencies' | 'candidates' | 'booths' | 'voters', string>
> & {
  readonly machines?: string;
};

/**
 * Writes the CSV files of a generated election into `dir`, streaming with back-pressure so a
 * million voters take no more memory than ten; the layout is the one `importCsv` reads.
 */
export async function writeSyntheticElection(dir: string, size: SyntheticSize): Promise<SyntheticFiles> {
  await mkdir(dir, { recursive: true });
  const file = (name: string) => join(dir, `${name}.csv`);
  const region = (i: number) => `r-${(i % size.regions) + 1}`;
  const constituency = (i: number) => `pc-${(i % size.constituencies) + 1}`;
  await writeRows(file('regions'), 'regionId,name', size.regions, (i) => `r-${i + 1},Region ${i + 1}`);
  await writeRows(
    file('constituencies'),
    'constituencyId,regionId,name',
    size.constituencies,
    (i) => `pc-${i + 1},${region(i)},Constituency ${i + 1}`,
  );
  await writeRows(
    file('candidates'),
    'candidateId,constituencyId,name,party,ballotOrder',
    size.constituencies * size.candidatesPerConstituency,
    (i) => {
      const k = (i % size.candidatesPerConstituency) + 1;
      const c = Math.floor(i / size.candidatesPerConstituency);
      return `pc-${c + 1}-k${k},pc-${c + 1},Candidate ${c + 1}.${k},Party ${k},${k}`;
    },
  );
  await writeRows(
    file('booths'),
    'boothId,constituencyId,name,address,lat,lon,electorate,geofence',
    size.booths,
    (i) => {
      const lat = 8 + ((i * 7919) % 2800) / 100;
      const lon = 68 + ((i * 104_729) % 2900) / 100;
      const d = 0.002;
      const ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
      ]
        .map(([x, y]) => `${x!.toFixed(4)} ${y!.toFixed(4)}`)
        .join(';');
      return `b-${i + 1},${constituency(i)},"Booth ${i + 1}, school",,${lat.toFixed(4)},${lon.toFixed(4)},${900 + (i % 600)},${ring}`;
    },
  );
  await writeRows(
    file('voters'),
    'voterId,name,constituencyId,photoRef,eligible',
    size.voters,
    (i) => `V${String(i + 1).padStart(10, '0')},Voter ${i + 1},${constituency(i)},,true`,
  );
  const files = {
    regions: file('regions'),
    constituencies: file('constituencies'),
    candidates: file('candidates'),
    booths: file('booths'),
    voters: file('voters'),
  };
  if (!size.machines) return files;
  await writeRows(
    file('machines'),
    'machineId,boothId,publicKey',
    size.booths,
    (i) => `m-${i + 1},b-${i + 1},${randomBytes(32).toString('base64url')}`,
  );
  return { ...files, machines: file('machines') };
}

async function writeRows(
  path: string,
  header: string,
  count: number,
  row: (i: number) => string,
): Promise<void> {
  const out = createWriteStream(path);
  let chunk = `${header}\n`;
  for (let i = 0; i < count; i++) {
    chunk += `${row(i)}\n`;
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
