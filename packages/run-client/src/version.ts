/** This package's version, sent in the User-Agent (`uplink-run-client/<version>`). */
export const SDK_VERSION = '0.0.0';
