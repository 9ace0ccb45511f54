import type { RegisteredVoter, VoterRegistry } from '../../ports/voter-registry';
import { problemSchema, registeredVoterSchema, VOTER_NOT_FOUND } from './contracts';
import {
  callName,
  ExternalApi,
  ExternalApiError,
  type ExternalApiOptions,
  type ExternalCall,
  parseAnswer,
} from './external-api';

/** The registry's name in errors and logs. */
export const VOTER_REGISTRY_API = 'voter registry API';

/** Time limits of a lookup: the clerk is waiting, and the Lambda has 10 s for the whole issue. */
export interface VoterRegistryTimings {
  readonly timeoutMs: number;
  readonly budgetMs: number;
}

/** The registry's timings unless told otherwise (docs/voter-registry-api.yaml says the same). */
export const VOTER_REGISTRY_TIMINGS: VoterRegistryTimings = { timeoutMs: 1500, budgetMs: 4000 };

/**
 * The national voter registry over HTTPS (docs/voter-registry-api.yaml): `find` is
 * `GET /v1/voters/{voterId}`; a 404 carrying the `voter-not-found` problem is an unknown voter.
 */
export class HttpVoterRegistry implements VoterRegistry {
  private readonly api: ExternalApi;
  private readonly timings: VoterRegistryTimings;

  constructor(options: ExternalApiOptions & { readonly timings?: Partial<VoterRegistryTimings> }) {
    this.api = new ExternalApi(VOTER_REGISTRY_API, options);
    this.timings = { ...VOTER_REGISTRY_TIMINGS, ...options.timings };
  }

  async find(voterId: string): Promise<RegisteredVoter | undefined> {
    const call: ExternalCall = {
      method: 'GET',
      path: '/v1/voters/{voterId}',
      params: { voterId },
      answers: [200, 404],
      ...this.timings,
    };
    const answer = await this.api.send(call);
    if (answer.status === 404) {
      const problem = problemSchema.safeParse(answer.body);
      if (problem.success && problem.data.type === VOTER_NOT_FOUND) return undefined;
      throw new ExternalApiError(VOTER_REGISTRY_API, callName(call), 'malformed', {
        status: 404,
        attempts: answer.attempts,
        reason: `answered 404 without the ${VOTER_NOT_FOUND} problem: is the base URL right?`,
      });
    }
    const voter = parseAnswer(VOTER_REGISTRY_API, call, answer, registeredVoterSchema);
    if (voter.voterId !== voterId) {
      throw new ExternalApiError(VOTER_REGISTRY_API, callName(call), 'malformed', {
        status: answer.status,
        attempts: answer.attempts,
        reason: 'answered 200 with another voter than the one asked for',
      });
    }
    const { boothId, ...rest } = voter;
    return boothId === undefined ? rest : { ...rest, boothId };
  }
}
