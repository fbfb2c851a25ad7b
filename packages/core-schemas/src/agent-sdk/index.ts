/**
 * @uplink/core-schemas/agent-sdk: wire schemas of agent-sdk's run, session and event API.
 * Responses keep unknown fields; request bodies are strict.
 */
export {};
