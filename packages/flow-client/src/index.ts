export const placeholder_flow_client = 1;
