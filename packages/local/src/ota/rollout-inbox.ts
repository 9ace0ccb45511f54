import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues } from '@ballotstream/events';
import { type RolloutPlan, rolloutPlanSchema } from '@ballotstream/gateway/ota';
import type { LocalTopicRule } from '../mqtt/rule-engine';
import { LocalJobs, type RolloutStatus } from './local-jobs';

/** Where rollouts are handed to the running runtime, as CreateJob hands them to IoT Jobs. */
export const rolloutsDir = (dataDir: string) => join(dataDir, 'ota', 'rollouts');

const STATUS = '.status.json';

/** Hands a rollout to the runtime of a data directory; it starts within a second while `up` runs. */
export function submitRollout(dataDir: string, plan: RolloutPlan): string {
  const dir = rolloutsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${plan.rolloutId}.json`);
  if (existsSync(path)) throw new Error(`rollout ${plan.rolloutId} exists already (${path})`);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(plan, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The status the runtime last wrote for a rollout, if it started. */
export function readRolloutStatus(dataDir: string, rolloutId: string): RolloutStatus | undefined {
  const path = join(rolloutsDir(dataDir), `${rolloutId}${STATUS}`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RolloutStatus) : undefined;
}

/** The IoT Jobs stand-in of a runtime: its rule on the broker, and, with a data directory, its inbox. */
export interface RuntimeJobs {
  readonly jobs: LocalJobs;
  readonly rule: LocalTopicRule;
  stop(): void;
}

/**
 * Starts the jobs stand-in: rollouts submitted to the data directory start (each once: one with a
 * status file already is not started again), their status is written beside them, and executions
 * in progress past their timeout time out. A plan that does not parse is set aside as `.refused`.
 */
export function startRuntimeJobs(
  publish: (topic: string, payload: string) => Promise<void>,
  dataDir: string | undefined,
  pollMs = 500,
): RuntimeJobs {
  const dir = dataDir === undefined ? undefined : rolloutsDir(dataDir);
  const write = (status: RolloutStatus) => {
    if (dir !== undefined)
      writeFileSync(join(dir, `${status.rolloutId}${STATUS}`), `${JSON.stringify(status)}\n`);
  };
  const jobs = new LocalJobs(publish, Date.now, write);
  const poll = async () => {
    await jobs.sweep();
    if (dir === undefined || !existsSync(dir)) return;
    const names = readdirSync(dir);
    for (const name of names) {
      if (!name.endsWith('.json') || name.endsWith(STATUS)) continue;
      const id = name.slice(0, -'.json'.length);
      if (names.includes(`${id}${STATUS}`) || jobs.status(id) !== undefined) continue;
      const parsed = rolloutPlanSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (!parsed.success) {
        writeFileSync(
          join(dir, `${id}.refused`),
          `${describeIssues(parsed.error, { whole: '(plan)' }).join('\n')}\n`,
        );
        renameSync(join(dir, name), join(dir, `${name}.bad`));
        continue;
      }
      await jobs.start(parsed.data);
    }
  };
  const timer = setInterval(() => void poll().catch(() => undefined), pollMs);
  timer.unref();
  return { jobs, rule: jobs.rule(), stop: () => clearInterval(timer) };
}
