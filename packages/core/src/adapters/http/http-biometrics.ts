import { randomUUID } from 'node:crypto';
import type { BiometricMatch, Biometrics } from '../../ports/biometrics';
import { enrolmentSchema, matchResultSchema } from './contracts';
import {
  callName,
  ExternalApi,
  ExternalApiError,
  type ExternalApiOptions,
  type ExternalCall,
  parseAnswer,
} from './external-api';

/** The biometric API's name in errors and logs. */
export const BIOMETRIC_API = 'biometric API';

/** Time limits per call: a match sits in a booth's verification, an enrolment at the clerk's desk. */
export interface BiometricsTimings {
  readonly enrol: { readonly timeoutMs: number; readonly budgetMs: number };
  readonly match: { readonly timeoutMs: number; readonly budgetMs: number };
}

/** The biometric API's timings unless told otherwise (docs/biometric-api.yaml says the same). */
export const BIOMETRICS_TIMINGS: BiometricsTimings = {
  enrol: { timeoutMs: 2500, budgetMs: 5000 },
  match: { timeoutMs: 1500, budgetMs: 3000 },
};

/**
 * The cloud biometric API over HTTPS (docs/biometric-api.yaml). `enrol` is an idempotent
 * `PUT /v1/enrolments/{voterKey}` with one `Idempotency-Key` for all its attempts; `match` is
 * `POST /v1/enrolments/{voterKey}/match`, which changes nothing and so is retried without one.
 * The API only ever sees the voter key (a pseudonym), never the voter id.
 */
export class HttpBiometrics implements Biometrics {
  private readonly api: ExternalApi;
  private readonly timings: BiometricsTimings;

  constructor(
    options: ExternalApiOptions & {
      readonly timings?: Partial<BiometricsTimings>;
      /** Makes idempotency keys; tests pass a predictable one. */
      readonly newIdempotencyKey?: () => string;
    },
  ) {
    this.api = new ExternalApi(BIOMETRIC_API, options);
    this.timings = { ...BIOMETRICS_TIMINGS, ...options.timings };
    this.newKey = options.newIdempotencyKey ?? randomUUID;
  }

  private readonly newKey: () => string;

  async enrol(voterKey: string, samples: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const list = samples instanceof Uint8Array ? [samples] : samples;
    if (list.length === 0) throw new RangeError('enrol needs at least one sample');
    const call: ExternalCall = {
      method: 'PUT',
      path: '/v1/enrolments/{voterKey}',
      params: { voterKey },
      body: { samples: list.map((sample) => Buffer.from(sample).toString('base64url')) },
      idempotencyKey: this.newKey(),
      answers: [200],
      ...this.timings.enrol,
    };
    const answer = await this.api.send(call);
    const enrolment = parseAnswer(BIOMETRIC_API, call, answer, enrolmentSchema);
    if (enrolment.voterKey !== voterKey) {
      throw new ExternalApiError(BIOMETRIC_API, callName(call), 'malformed', {
        status: 200,
        attempts: answer.attempts,
        reason: 'answered 200 with the enrolment of another voter key',
      });
    }
  }

  async match(voterKey: string, sample: Uint8Array): Promise<BiometricMatch> {
    const call: ExternalCall = {
      method: 'POST',
      path: '/v1/enrolments/{voterKey}/match',
      params: { voterKey },
      body: { sample: Buffer.from(sample).toString('base64url') },
      answers: [200],
      ...this.timings.match,
    };
    return parseAnswer(BIOMETRIC_API, call, await this.api.send(call), matchResultSchema).result;
  }
}
