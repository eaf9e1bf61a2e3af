/** The shared contract: domain types, RPC methods and frames, errors, and Hearth's report templates. */
export * from './errors.js';
export * from './domain.js';
export * from './models.js';
export * from './rpc/index.js';
export * from './reports/index.js';
