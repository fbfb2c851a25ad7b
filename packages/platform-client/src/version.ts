/** The version of @uplink/platform-client, sent in the User-Agent. Kept in step by the release. */
export const VERSION = '0.0.0';
