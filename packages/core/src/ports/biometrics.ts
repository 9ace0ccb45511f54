/** The cloud biometric API: enrols a voter's fingerprints and matches a booth's sample. */
export interface Biometrics {
  enrol(voterKey: string, sample: Uint8Array): Promise<void>;
  match(voterKey: string, sample: Uint8Array): Promise<'match' | 'mismatch' | 'not-enrolled'>;
}
