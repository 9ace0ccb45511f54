export * from './jobs';
export * from './manifest';
export * from './rollout';
export * from './update-package';
