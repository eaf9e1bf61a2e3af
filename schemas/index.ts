/** The shared contract: domain types, RPC methods and frames, and errors. */
export * from './errors.js';
export * from './domain.js';
export * from './models.js';
export * from './rpc/index.js';
