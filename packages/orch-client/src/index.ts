export const placeholder_orch_client = 1;
