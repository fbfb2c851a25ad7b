// docs/protocols/ai-spine.md §4.4, §4.5 and §6 (flow model)
import * as v from 'valibot';
import { JsonObjectSchema, TimestampSchema } from './common.js';

/** Node types (§6); the same list as agent types. `conditional` gets no special treatment. */
export const FLOW_NODE_TYPES = ['input', 'processor', 'output', 'conditional'] as const;

/** A flow node type. */
export type FlowNodeType = (typeof FLOW_NODE_TYPES)[number];

/** A node type (`input | processor | output | conditional`). */
export const FlowNodeTypeSchema = v.picklist(
  FLOW_NODE_TYPES,
  'Expected a node type: input, processor, output or conditional',
);

/**
 * One flow node (§6). `agent_id` null means "no agent" (the node fails when run);
 * `config` is passed verbatim to the agent; `conditions` are stored, never evaluated.
 */
export const FlowNodeSchema = v.looseObject({
  id: v.string(),
  agent_id: v.optional(v.nullable(v.string()), null),
  type: FlowNodeTypeSchema,
  depends_on: v.optional(v.array(v.string()), []),
  config: v.optional(JsonObjectSchema, {}),
  conditions: v.optional(v.nullable(JsonObjectSchema), null),
});

/** One flow node. */
export type FlowNode = v.InferOutput<typeof FlowNodeSchema>;

/** A flow node as written (defaults not yet applied). */
export type FlowNodeInput = v.InferInput<typeof FlowNodeSchema>;

/**
 * A flow definition (§6). `version` is a string (not a number). The DAG rules (known
 * dependencies, no cycles, entry/exit points are node ids) are checked by
 * {@link validateFlowGraph}, not by this schema.
 */
export const FlowDefinitionSchema = v.looseObject({
  flow_id: v.string(),
  name: v.string(),
  description: v.string(),
  version: v.optional(v.string(), '1.0.0'),
  nodes: v.array(FlowNodeSchema),
  entry_point: v.string(),
  exit_points: v.optional(v.array(v.string()), []),
  metadata: v.optional(JsonObjectSchema, {}),
  created_by: v.nullish(v.string()),
  is_active: v.nullish(v.boolean()),
  created_at: v.nullish(TimestampSchema),
  updated_at: v.nullish(TimestampSchema),
});

/** A flow definition. */
export type FlowDefinition = v.InferOutput<typeof FlowDefinitionSchema>;

/** A flow definition as written (defaults not yet applied). */
export type FlowDefinitionInput = v.InferInput<typeof FlowDefinitionSchema>;

/** `GET /api/v1/flows` (`{flows, count, user_id}`) or root `/flows` (`{flows, count}`), §4.4. */
export const FlowListSchema = v.looseObject({
  flows: v.array(FlowDefinitionSchema),
  count: v.optional(v.number()),
  user_id: v.nullish(v.string()),
});

/** A flow list wrapper. */
export type FlowList = v.InferOutput<typeof FlowListSchema>;

/**
 * Check the DAG rules of §6 and return every problem found (empty when the flow is valid):
 * each `depends_on` id is a node id, node ids are unique, the graph is acyclic, and
 * `entry_point` and every exit point are node ids.
 */
export function validateFlowGraph(flow: FlowDefinition): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const node of flow.nodes) {
    if (ids.has(node.id)) problems.push(`Duplicate node id '${node.id}'`);
    ids.add(node.id);
  }
  for (const node of flow.nodes) {
    for (const dep of node.depends_on) {
      if (!ids.has(dep)) problems.push(`Node '${node.id}' depends on unknown node '${dep}'`);
    }
  }
  if (!ids.has(flow.entry_point)) {
    problems.push(`Entry point '${flow.entry_point}' is not a node id`);
  }
  for (const exit of flow.exit_points) {
    if (!ids.has(exit)) problems.push(`Exit point '${exit}' is not a node id`);
  }
  if (problems.length === 0 && topologicalOrder(flow) === undefined) {
    problems.push('The flow graph has a cycle');
  }
  return problems;
}

/**
 * Order all nodes so each comes after its `depends_on` (Kahn's algorithm, ties kept in
 * declaration order). Returns `undefined` when the graph has a cycle or an unknown dependency.
 */
export function topologicalOrder(flow: FlowDefinition): FlowNode[] | undefined {
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const remaining = new Map<string, number>();
  for (const node of flow.nodes) {
    for (const dep of node.depends_on) if (!byId.has(dep)) return undefined;
    remaining.set(node.id, new Set(node.depends_on).size);
  }
  const order: FlowNode[] = [];
  const done = new Set<string>();
  // Each pass emits at least one node or stops, so at most nodes.length passes.
  for (let pass = 0; pass < flow.nodes.length && order.length < flow.nodes.length; pass++) {
    let progressed = false;
    for (const node of flow.nodes) {
      if (done.has(node.id) || (remaining.get(node.id) ?? 0) > 0) continue;
      done.add(node.id);
      order.push(node);
      progressed = true;
      for (const other of flow.nodes) {
        if (!done.has(other.id) && new Set(other.depends_on).has(node.id)) {
          remaining.set(other.id, (remaining.get(other.id) ?? 0) - 1);
        }
      }
    }
    if (!progressed) break;
  }
  return order.length === flow.nodes.length ? order : undefined;
}
