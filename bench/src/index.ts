// The shared bench harness: measuring (harness.ts), reporting (report.ts) and child processes
// (processes.ts). Packages import it as `@uplink/bench`; the peers are `@uplink/bench/peers`.
export * from './harness.js';
export * from './processes.js';
export * from './report.js';
