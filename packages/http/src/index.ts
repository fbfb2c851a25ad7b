export const placeholder_http = 1;
