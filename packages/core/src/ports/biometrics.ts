/** What the biometric API answers when a booth's sample is matched against a voter's enrolment. */
export type BiometricMatch = 'match' | 'mismatch' | 'not-enrolled';

/** The cloud biometric API: enrols a voter's fingerprints and matches a booth's sample. */
export interface Biometrics {
  /** Replaces the voter's enrolment with these samples (one or several fingers). */
  enrol(voterKey: string, samples: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /** Matches one sample against every enrolled finger of the voter. */
  match(voterKey: string, sample: Uint8Array): Promise<BiometricMatch>;
}
