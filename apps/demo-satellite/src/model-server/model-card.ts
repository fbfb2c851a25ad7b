import * as v from 'valibot';

/**
 * The demo's "model artifact": a small JSON model card uploaded to LUML. It names the LLM that the
 * model server serves through llama-orch. Real LUML artifacts are `.luml` archives; the demo keeps the
 * same download-verify-start path with a file that needs no ML runtime.
 */
export const ModelCardSchema = v.object({
  format: v.literal('uplink-llm/1'),
  name: v.string(),
  model_ref: v.string(),
  engine: v.optional(v.picklist(['llamacpp', 'vllm', 'tgi', 'triton']), 'llamacpp'),
  ctx: v.optional(v.number(), 8192),
  max_tokens: v.optional(v.number(), 32),
  seed: v.optional(v.number(), 123456789),
  system_prompt: v.optional(v.string()),
});

/** A parsed model card. */
export type ModelCard = v.InferOutput<typeof ModelCardSchema>;

/** The card the demo uploads. */
export function demoModelCard(): ModelCard {
  return {
    format: 'uplink-llm/1',
    name: 'haiku-writer',
    model_ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    engine: 'llamacpp',
    ctx: 8192,
    max_tokens: 24,
    seed: 123456789,
  };
}
