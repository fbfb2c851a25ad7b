// docs/protocols/ai-spine.md §6 (the bundled credit_analysis flow)
import type { FlowDefinitionInput } from '@uplink/core-schemas/ai-spine';

/**
 * The bundled `credit_analysis` flow exactly as §6 gives it. It always fails when
 * run: its `result` node has no agent (`Agent 'None' not found or not active`). Its other
 * nodes call agents `zoe` and `eddie`, which are not registered automatically.
 */
export function creditAnalysisFlow(): FlowDefinitionInput {
  return {
    flow_id: 'credit_analysis',
    name: 'Análisis de Crédito',
    description:
      'Zoe gathers the applicant information, Eddie evaluates the credit and the result is returned',
    version: '1.0.0',
    nodes: [
      {
        id: 'zoe',
        agent_id: 'zoe',
        type: 'input',
        depends_on: [],
        config: { max_turns: 5 },
        conditions: null,
      },
      {
        id: 'eddie',
        agent_id: 'eddie',
        type: 'processor',
        depends_on: ['zoe'],
        config: { timeout: 60 },
        conditions: null,
      },
      {
        id: 'result',
        agent_id: null,
        type: 'output',
        depends_on: ['eddie'],
        config: { format: 'json' },
        conditions: null,
      },
    ],
    entry_point: 'zoe',
    exit_points: ['result'],
    metadata: {},
  };
}
