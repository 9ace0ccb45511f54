export * from './biometrics';
export * from './clock';
export * from './event-publisher';
export * from './record-store';
export * from './ticket-keys';
export * from './vote-store';
export * from './voter-cache';
