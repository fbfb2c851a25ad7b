export * from './api-error.js';
export * from './configuration-error.js';
export * from './invalid-argument-error.js';
export * from './response-validation-error.js';
export * from './stream-error.js';
export * from './transport-errors.js';
export * from './uplink-error.js';
