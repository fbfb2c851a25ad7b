/** The published version of `@uplink/flow-client`, sent in the User-Agent. Bumped with the package. */
export const FLOW_CLIENT_VERSION = '0.0.0';
