export * from './host';
export * from './install';
export * from './jobs';
export * from './manifest';
export * from './rollout';
export * from './update-agent';
export * from './update-package';
export * from './when-to-apply';
