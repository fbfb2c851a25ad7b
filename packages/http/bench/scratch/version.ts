/** The published version of `@uplink/http`, used in the default User-Agent. Bumped with the package. */
export const HTTP_PACKAGE_VERSION = '0.0.0';
