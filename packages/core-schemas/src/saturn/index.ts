/**
 * @uplink/core-schemas/saturn: wire schemas of SATURN's agent platform API.
 * Responses keep unknown fields; request bodies are strict.
 */
export {};
