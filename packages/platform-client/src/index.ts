export const placeholder_platform_client = 1;
