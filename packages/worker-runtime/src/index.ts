export const placeholder_worker_runtime = 1;
