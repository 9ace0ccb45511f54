import type { KeyObject } from 'node:crypto';
import { GATEWAY_COMPONENT } from '../greengrass/recipe';
import { readInstallState, stageVersion, writeInstallState } from './install';
import {
  type ExecutionUpdate,
  type JobExecution,
  jobTopics,
  nextExecutionSchema,
  updateJobDocumentSchema,
} from './jobs';
import { type SignedManifest, verifyUpdate } from './manifest';
import { fetchUrl, readUpdatePackage } from './update-package';
import { type BoothMoment, whenToApply } from './when-to-apply';

/** A sidecar of the gateway's MQTT connection: the topics it reads, and what it does with them. */
export interface MqttCompanion {
  readonly subscriptions: readonly string[];
  onConnect(publish: (topic: string, payload: string) => Promise<void>): void;
  onMessage(topic: string, payload: Buffer): void;
}

export interface UpdateAgentOptions {
  readonly thing: string;
  readonly electionId: string;
  readonly currentVersion: string;
  /** The election's code-signing public key: the only key an update may be signed with. */
  readonly publicKey: KeyObject;
  /** The install folder the host runs versions from. */
  readonly installDir: string;
  /** What the booth is doing now: the gateway's presses, the clock, the poll hours. */
  readonly moment: () => BoothMoment;
  /** Stops the gateway (its queue closed on disk) and hands over to the host to swap versions. */
  readonly swap: (version: string) => Promise<void>;
  readonly fetchBytes?: (url: string) => Promise<Buffer>;
  /** How often a waiting update asks again whether it may apply. */
  readonly recheckMs?: number;
}

/**
 * The gateway's side of IoT Jobs: asks for its next job on connect and hears of new ones on
 * `notify-next`; checks an update package against the election's code-signing key (refusing it
 * with the reason otherwise), waits for a moment the manifest allows, stages it, and swaps. After
 * a swap it owes the job a report the host left in the install state: SUCCEEDED once the new
 * version passed its health check, FAILED when it was rolled back.
 */
export class UpdateAgent implements MqttCompanion {
  readonly subscriptions: readonly string[];
  private publish: ((topic: string, payload: string) => Promise<void>) | undefined;
  private handling: string | undefined;
  private waitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: UpdateAgentOptions) {
    this.subscriptions = [jobTopics.notifyNext(options.thing), jobTopics.startNextAccepted(options.thing)];
  }

  onConnect(publish: (topic: string, payload: string) => Promise<void>): void {
    this.publish = publish;
    void this.reportOwed().then(() => publish(jobTopics.startNext(this.options.thing), '{}'));
  }

  onMessage(topic: string, payload: Buffer): void {
    if (!this.subscriptions.includes(topic)) return;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const next = nextExecutionSchema.safeParse(body);
    const execution = next.success ? next.data.execution : undefined;
    if (execution === undefined || this.handling === execution.jobId) return;
    if (execution.status !== 'QUEUED' && execution.status !== 'IN_PROGRESS') return;
    // A job whose swap is on trial is the host's to finish: it leaves the report for later.
    if (readInstallState(this.options.installDir)?.trial?.jobId === execution.jobId) return;
    void this.handle(execution);
  }

  /** Sends the report the host left for a finished swap, and clears it. */
  async reportOwed(): Promise<void> {
    const state = readInstallState(this.options.installDir);
    if (state?.report === undefined || this.publish === undefined) return;
    await this.report(state.report.jobId, {
      status: state.report.status,
      statusDetails: state.report.details,
    });
    writeInstallState(this.options.installDir, { ...state, report: undefined });
  }

  /** Stops waiting for a moment to apply an update. */
  stop(): void {
    clearTimeout(this.waitTimer);
  }

  private async handle(execution: JobExecution): Promise<void> {
    this.handling = execution.jobId;
    const document = updateJobDocumentSchema.safeParse(execution.jobDocument);
    if (!document.success) {
      return this.refuse(execution.jobId, 'malformed', 'the job document is not a gateway update');
    }
    let files: Awaited<ReturnType<typeof readUpdatePackage>>;
    try {
      files = await readUpdatePackage(
        document.data.manifestUrl,
        document.data.artifactUrl,
        this.options.fetchBytes ?? fetchUrl,
      );
    } catch (error) {
      return this.refuse(
        execution.jobId,
        'unreachable',
        error instanceof Error ? error.message : String(error),
      );
    }
    const verdict = verifyUpdate(files.signed, files.artifact, {
      publicKey: this.options.publicKey,
      component: GATEWAY_COMPONENT,
      electionId: this.options.electionId,
      currentVersion: this.options.currentVersion,
    });
    if (!verdict.ok) return this.refuse(execution.jobId, verdict.reason, verdict.detail);
    await this.report(execution.jobId, {
      status: 'IN_PROGRESS',
      statusDetails: { step: 'waiting to apply' },
    });
    this.applyWhenAllowed(execution.jobId, files.signed as SignedManifest, files.artifact);
  }

  private applyWhenAllowed(jobId: string, signed: SignedManifest, artifact: Buffer): void {
    const decision = whenToApply(signed.manifest.conditions, this.options.moment());
    if (!decision.apply) {
      this.waitTimer = setTimeout(
        () => this.applyWhenAllowed(jobId, signed, artifact),
        this.options.recheckMs ?? 250,
      );
      return;
    }
    const dir = this.options.installDir;
    const state = readInstallState(dir) ?? { current: this.options.currentVersion };
    stageVersion(dir, signed, artifact);
    writeInstallState(dir, {
      ...state,
      trial: { jobId, from: this.options.currentVersion, to: signed.manifest.version },
    });
    void this.report(jobId, { status: 'IN_PROGRESS', statusDetails: { step: 'applying' } }).then(() =>
      this.options.swap(signed.manifest.version),
    );
  }

  private refuse(jobId: string, reason: string, detail: string): Promise<void> {
    this.handling = undefined;
    return this.report(jobId, {
      status: 'REJECTED',
      statusDetails: { reason, detail: detail.slice(0, 1024) },
    });
  }

  private async report(jobId: string, update: ExecutionUpdate): Promise<void> {
    await this.publish?.(jobTopics.update(this.options.thing, jobId), JSON.stringify(update));
  }
}
