// What the llama-orch server (axum 0.7 `Json<T>`) answers for a request body: see README.md.
use serde::Deserialize;
use std::io::BufRead;
fn default_true() -> bool { true }
#[derive(Debug, Deserialize)] #[serde(rename_all = "lowercase")] pub enum Engine { Llamacpp, Vllm, Tgi, Triton }
#[derive(Debug, Deserialize)] #[serde(rename_all = "lowercase")] pub enum Workload { Completion, Embedding, Rerank }
#[derive(Debug, Deserialize)] #[serde(rename_all = "snake_case")] pub enum DeterminismLevel { Strict, BestEffort }
#[derive(Debug, Deserialize)] #[serde(rename_all = "lowercase")] pub enum Priority { Interactive, Batch }
#[derive(Debug, Deserialize)] #[serde(rename_all = "lowercase")] pub enum KVHint { Reuse, Cold }
#[derive(Debug, Deserialize)] #[serde(rename_all = "lowercase")] pub enum PlacementMode { Pin, Prefer, Auto }
#[allow(dead_code)] #[derive(Debug, Deserialize)] pub struct PlacementOverrides {
 #[serde(default)] pub mode: Option<PlacementMode>, #[serde(default)] pub pin_pool_id: Option<String>,
 #[serde(default)] pub prefer_pools: Option<Vec<String>>, #[serde(default)] pub avoid_pools: Option<Vec<String>>,
 #[serde(default)] pub require_device_mask: Option<String>, #[serde(default = "default_true")] pub allow_fallback: bool }
#[allow(dead_code)] #[derive(Debug, Deserialize)] pub struct TaskRequest {
 pub task_id: String, pub session_id: String, pub workload: Workload, pub model_ref: String, pub engine: Engine, pub ctx: i32, pub priority: Priority,
 #[serde(default)] pub seed: Option<i64>, #[serde(default)] pub determinism: Option<DeterminismLevel>,
 #[serde(default)] pub sampler_profile_version: Option<String>, #[serde(default)] pub prompt: Option<String>,
 #[serde(default)] pub inputs: Option<Vec<String>>, pub max_tokens: i32, pub deadline_ms: i64,
 #[serde(default)] pub expected_tokens: Option<i32>, #[serde(default)] pub kv_hint: Option<KVHint>, #[serde(default)] pub placement: Option<PlacementOverrides> }
#[allow(dead_code)] #[derive(Debug, Deserialize)] pub struct DrainRequest { pub deadline_ms: i64 }
#[allow(dead_code)] #[derive(Debug, Deserialize)] pub struct SetStateRequest { pub state: String, pub deadline_ms: Option<i64> }
fn check<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> String {
  let de = &mut serde_json::Deserializer::from_slice(bytes);
  match serde_path_to_error::deserialize::<_, T>(de) {
    Ok(_) => "OK".to_string(),
    Err(err) => match err.inner().classify() {
      serde_json::error::Category::Data => format!("422 Failed to deserialize the JSON body into the target type: {}", err),
      _ => format!("400 Failed to parse the request body as JSON: {}", err),
    },
  }
}
fn unhex(s: &str) -> Vec<u8> { (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i+2], 16).unwrap()).collect() }
fn main() {
  for line in std::io::stdin().lock().lines() {
    let line = line.unwrap();
    let (kind, hex) = line.split_once(' ').unwrap_or((&line, ""));
    let bytes = unhex(hex);
    let out = match kind { "task" => check::<TaskRequest>(&bytes), "drain" => check::<DrainRequest>(&bytes), "state" => check::<SetStateRequest>(&bytes), _ => check::<serde_json::Value>(&bytes) };
    println!("{}", out);
  }
}
