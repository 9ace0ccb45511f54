import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { tables } from '@ballotstream/core';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Redis } from 'ioredis';
import { open } from 'lmdb';

/**
 * The outside tester of issue 18, as code: someone who holds a copy of the data directory (and
 * Redis), the roll, the voter-key secret, and each booth's paper register of who came in when,
 * and tries to put a candidate next to each voter.
 */

/** One line of a booth's paper register: the voters of a machine in the order they came in. */
export interface Register {
  readonly machineId: string;
  readonly voterIds: readonly string[];
}

/** A guess of the candidate of each voter, and where the attacker read it. */
export interface Linkage {
  readonly artefact: string;
  readonly guesses: ReadonlyMap<string, string>;
}

/** What a stored vote table tells the attacker: each vote's machine and candidate. */
export interface StoredVote {
  readonly voteId: string;
  readonly machineId: string;
  readonly candidateId: string;
}

/** Every regular file under a directory, with its path relative to it. */
export function everyFile(root: string): { path: string; rel: string }[] {
  const out: { path: string; rel: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) out.push({ path, rel: relative(root, path) });
    }
  };
  walk(root);
  return out;
}

/**
 * Reads each DuckDB vote store from a copy of its file and write-ahead log (so reading changes
 * no evidence), and returns its votes in the order the file holds them (row id order).
 */
export async function storedVoteRows(dataDir: string): Promise<Map<string, StoredVote[]>> {
  const out = new Map<string, StoredVote[]>();
  for (const { path, rel } of everyFile(dataDir).filter((f) => f.path.endsWith('.duckdb'))) {
    const copy = mkdtempSync(join(tmpdir(), 'secrecy-attack-'));
    try {
      const target = join(copy, basename(path));
      copyFileSync(path, target);
      if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${target}.wal`);
      const instance = await DuckDBInstance.create(target);
      const connection = await instance.connect();
      try {
        const rows = (
          await connection.runAndReadAll('SELECT vote_id, machine_id, candidate_id FROM votes ORDER BY rowid')
        ).getRows();
        out.set(
          rel,
          rows.map(([voteId, machineId, candidateId]) => ({
            voteId: String(voteId),
            machineId: String(machineId),
            candidateId: String(candidateId),
          })),
        );
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return out;
}

/**
 * Guesses each voter's candidate by laying a machine's votes, in some order, over its register:
 * from its first line, or (`fromEnd`) the last votes over the last lines.
 */
export function alongRegister(
  artefact: string,
  registers: readonly Register[],
  orderedVotes: readonly StoredVote[],
  fromEnd = false,
): Linkage {
  const guesses = new Map<string, string>();
  for (const register of registers) {
    const votes = orderedVotes.filter((v) => v.machineId === register.machineId);
    const offset = fromEnd ? register.voterIds.length - votes.length : 0;
    for (const [i, vote] of votes.entries()) {
      const voterId = register.voterIds[i + offset];
      if (voterId !== undefined) guesses.set(voterId, vote.candidateId);
    }
  }
  return { artefact, guesses };
}

/**
 * The rows after the leading run in vote-id order: a store that rewrites what it concealed in
 * vote-id order and appends newer votes behind it gives those newer ones away in arrival order.
 */
export function afterSortedRun(rows: readonly StoredVote[]): StoredVote[] {
  let end = 1;
  while (end < rows.length && rows[end]!.voteId > rows[end - 1]!.voteId) end++;
  return rows.slice(end);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Reads raw bytes for vote ids: the order in which a file first names them, and the order of how
 * often it names them (a copy-on-write store keeps stale pages, so an early vote appears in more
 * of them). Each order, through the vote table, is a guess along the registers.
 */
export function rawOrderLinkages(
  files: readonly { path: string; rel: string }[],
  registers: readonly Register[],
  votes: ReadonlyMap<string, StoredVote>,
): Linkage[] {
  const out: Linkage[] = [];
  for (const file of files) {
    const text = readFileSync(file.path).toString('latin1');
    const first: string[] = [];
    const count = new Map<string, number>();
    for (const match of text.matchAll(UUID)) {
      const id = match[0];
      if (!votes.has(id)) continue;
      if (!count.has(id)) first.push(id);
      count.set(id, (count.get(id) ?? 0) + 1);
    }
    if (first.length === 0) continue;
    const byFirst = first.map((id) => votes.get(id)!);
    out.push(alongRegister(`${file.rel} (vote ids in byte order)`, registers, byFirst));
    const byCount = [...first]
      .sort((a, b) => count.get(b)! - count.get(a)! || first.indexOf(a) - first.indexOf(b))
      .map((id) => votes.get(id)!);
    out.push(alongRegister(`${file.rel} (vote ids by how often they appear)`, registers, byCount));
  }
  return out;
}

/**
 * Reads raw bytes for candidate ids: where a file names candidates as often as there are votes,
 * their order over the registers (a plain-text log of casts would give itself away here).
 */
export function rawCandidateLinkages(
  files: readonly { path: string; rel: string }[],
  registers: readonly Register[],
  candidates: readonly string[],
  machineOfVoter: ReadonlyMap<string, string>,
): Linkage[] {
  const pattern = new RegExp(candidates.map((c) => c.replace(/[-]/g, '\\-')).join('|'), 'g');
  const out: Linkage[] = [];
  for (const file of files) {
    const text = readFileSync(file.path).toString('latin1');
    const named = [...text.matchAll(pattern)].map((m) => m[0]);
    if (named.length === 0) continue;
    // A gateway's files speak of its own machine only; any other file is laid over each register.
    const machine = registers.find((r) => file.rel.includes(r.machineId));
    const regs = machine === undefined ? registers : [machine];
    const guesses = new Map<string, string>();
    for (const register of regs) {
      for (const [i, voterId] of register.voterIds.entries()) {
        const candidate = named[i];
        if (candidate !== undefined && machineOfVoter.get(voterId) === register.machineId)
          guesses.set(voterId, candidate);
      }
    }
    out.push({ artefact: `${file.rel} (candidate ids in byte order)`, guesses });
  }
  return out;
}

/** Every record of every durable table in an LMDB data directory, table by table, in key order. */
export async function lmdbRecords(path: string): Promise<Map<string, Record<string, unknown>[]>> {
  const root = open({ path, compression: false, readOnly: true });
  const out = new Map<string, Record<string, unknown>[]>();
  try {
    for (const { name } of tables) {
      const db = root.openDB<Record<string, unknown>, [string, string]>({ name, compression: false });
      // Opened read-only, a table nothing was ever written to does not exist in the file.
      if (db === undefined) continue;
      out.set(
        name,
        [...db.getRange({})].map(({ value }) => value),
      );
    }
  } finally {
    await root.close();
  }
  return out;
}

/**
 * Times finer than a bucket in a record, found as epoch milliseconds within [from, to] or ISO
 * strings within it: each is a field that could say when a voter came or a vote was cast.
 */
export function finerTimes(value: unknown, from: number, to: number, bucketMs: number, path = ''): string[] {
  if (typeof value === 'number') {
    const inRange = value >= from && value <= to;
    const asSeconds = value * 1000 >= from && value * 1000 <= to && (value * 1000) % bucketMs !== 0;
    return (inRange && value % bucketMs !== 0) || asSeconds ? [`${path}=${value}`] : [];
  }
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
      const t = Date.parse(value);
      if (t >= from && t <= to && t % bucketMs !== 0) return [`${path}=${value}`];
    }
    return [];
  }
  if (Array.isArray(value))
    return value.flatMap((v, i) => finerTimes(v, from, to, bucketMs, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => finerTimes(v, from, to, bucketMs, `${path}.${k}`));
  return [];
}

/** What Redis keeps about voters: every key of the election with its idle time, TTL and contents. */
export interface RedisKeyView {
  readonly key: string;
  readonly idleSeconds: number;
  readonly pttl: number;
  /** Voter keys the key's name or hash fields name. */
  readonly voterKeys: readonly string[];
  /** The values it holds (a string, or each hash field's value). */
  readonly values: readonly string[];
  /** The voter keys its hash fields name, in the order Redis lists them. */
  readonly fieldOrder: readonly string[];
}

/** Reads every Redis key that names the election, as the attacker would with `SCAN` and `OBJECT`. */
export async function redisView(
  redis: Redis,
  electionId: string,
  voterKeys: readonly string[],
): Promise<RedisKeyView[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `*${electionId}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const out: RedisKeyView[] = [];
  for (const key of keys) {
    const idleSeconds = Number(await redis.object('IDLETIME', key));
    const pttl = await redis.pttl(key);
    const type = await redis.type(key);
    let names = key;
    let values: string[] = [];
    const fieldOrder: string[] = [];
    if (type === 'string') values = [String(await redis.get(key))];
    if (type === 'hash') {
      // HGETALL's reply as a flat list, so the order Redis keeps is the order read.
      const flat = (await redis.call('HGETALL', key)) as string[];
      for (let i = 0; i < flat.length; i += 2) {
        const field = flat[i]!;
        names += ` ${field}`;
        values.push(flat[i + 1]!);
        const named = voterKeys.find((v) => field.includes(v));
        if (named !== undefined && !fieldOrder.includes(named)) fieldOrder.push(named);
      }
    }
    out.push({
      key,
      idleSeconds,
      pttl,
      voterKeys: voterKeys.filter((v) => names.includes(v)),
      values,
      fieldOrder,
    });
  }
  return out;
}
