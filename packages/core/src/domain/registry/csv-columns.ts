import type { RegistryEntity } from '@ballotstream/events';

/** What an entity can be imported as: a registry entity, or people of the voter roll. */
export type ImportEntity = RegistryEntity | 'voter';

/** How a CSV cell becomes a field: text as is; numbers, booleans, lists and polygons decoded. */
export type ColumnKind = 'text' | 'optional-text' | 'integer' | 'number' | 'boolean' | 'list' | 'polygon';

/** A CSV column and the field path it fills (`lat` fills `location.lat`). */
export interface Column {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: ColumnKind;
}

const col = (name: string, kind: ColumnKind = 'text', path: readonly string[] = [name]): Column => ({
  name,
  path,
  kind,
});

/**
 * The CSV layout of each entity, in column order. Fields the registry derives from references
 * (a booth's region) are neither read nor needed; a polygon is `lon lat;lon lat;…`, a list `a|b`.
 */
export const csvColumns: Readonly<Record<ImportEntity, readonly Column[]>> = {
  election: [
    col('electionId'),
    col('name'),
    col('pollDay'),
    col('opensAt'),
    col('closesAt'),
    col('timeZone'),
  ],
  region: [col('regionId'), col('name')],
  constituency: [col('constituencyId'), col('regionId'), col('name')],
  candidate: [
    col('candidateId'),
    col('constituencyId'),
    col('name'),
    col('party'),
    col('ballotOrder', 'integer'),
  ],
  booth: [
    col('boothId'),
    col('constituencyId'),
    col('name'),
    col('address', 'optional-text'),
    col('lat', 'number', ['location', 'lat']),
    col('lon', 'number', ['location', 'lon']),
    col('electorate', 'integer'),
    col('geofence', 'polygon'),
    col('closesAt', 'optional-text'),
  ],
  machine: [col('machineId'), col('boothId'), col('publicKey'), col('certificatePem', 'optional-text')],
  officer: [
    col('officerId'),
    col('name'),
    col('regionId'),
    col('phone'),
    col('email'),
    col('notifyBy', 'list'),
    col('minSeverity', 'optional-text'),
  ],
  voter: [
    col('voterId'),
    col('name'),
    col('constituencyId'),
    col('photoRef', 'optional-text'),
    col('eligible', 'boolean'),
  ],
};

/** A problem with one cell or row: the line, the column, what is wrong. */
export interface CellProblem {
  readonly field: string;
  readonly message: string;
}

/** Builds an entity's input object from a row's cells, or names each cell that cannot be read. */
export function rowToInput(
  columns: readonly Column[],
  cells: readonly string[],
): { input: Record<string, unknown>; problems: CellProblem[] } {
  const input: Record<string, unknown> = {};
  const problems: CellProblem[] = [];
  columns.forEach((column, i) => {
    const raw = (cells[i] ?? '').trim();
    const decoded = decodeCell(column, raw);
    if (decoded.problem !== undefined) problems.push({ field: column.name, message: decoded.problem });
    else if (decoded.value !== undefined) setPath(input, column.path, decoded.value);
  });
  return { input, problems };
}

/** The cells of a row for an entity record, in column order. */
export function recordToCells(
  columns: readonly Column[],
  record: Readonly<Record<string, unknown>>,
): string[] {
  return columns.map((column) => encodeCell(column, getPath(record, column.path)));
}

/** The column a schema problem at `path` belongs to (the longest column path that prefixes it). */
export function columnOfPath(columns: readonly Column[], path: readonly PropertyKey[]): string {
  let best: Column | undefined;
  for (const column of columns) {
    if (column.path.every((part, i) => path[i] === part) && column.path.length <= path.length)
      if (best === undefined || column.path.length > best.path.length) best = column;
  }
  return best?.name ?? (path.length === 0 ? '(row)' : path.join('.'));
}

function decodeCell(column: Column, raw: string): { value?: unknown; problem?: string } {
  switch (column.kind) {
    case 'text':
      return { value: raw };
    case 'optional-text':
      return raw === '' ? {} : { value: raw };
    case 'integer':
    case 'number': {
      if (raw === '') return {};
      const n = Number(raw);
      if (!Number.isFinite(n)) return { problem: `"${raw}" is not a number` };
      if (column.kind === 'integer' && !Number.isInteger(n))
        return { problem: `"${raw}" is not a whole number` };
      return { value: n };
    }
    case 'boolean': {
      if (raw === '') return {};
      const lower = raw.toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return { value: true };
      if (['false', 'no', '0'].includes(lower)) return { value: false };
      return { problem: `"${raw}" is not true or false` };
    }
    case 'list':
      return raw === '' ? {} : { value: raw.split('|').map((s) => s.trim()) };
    case 'polygon': {
      if (raw === '') return {};
      const ring: [number, number][] = [];
      for (const [i, position] of raw.split(';').entries()) {
        const parts = position.trim().split(/\s+/).map(Number);
        if (parts.length !== 2 || !parts.every(Number.isFinite))
          return { problem: `position ${i + 1} ("${position.trim()}") is not "lon lat"` };
        ring.push([parts[0]!, parts[1]!]);
      }
      return { value: ring };
    }
  }
}

function encodeCell(column: Column, value: unknown): string {
  if (value === undefined || value === null) return '';
  switch (column.kind) {
    case 'list':
      return Array.isArray(value) ? value.join('|') : String(value);
    case 'polygon':
      return Array.isArray(value)
        ? (value as [number, number][]).map(([lon, lat]) => `${lon} ${lat}`).join(';')
        : '';
    default:
      return String(value);
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function getPath(source: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let node: unknown = source;
  for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}
