/**
 * A copy of `response` whose body runs `cleanup` exactly once when it ends, fails or is
 * cancelled, so the listeners that tie a raw response to the caller's signal are removed
 * when the caller is done with the body, not when the garbage collector gets to it.
 */
export function bodyWithCleanup(
  response: Response,
  cleanup: () => void,
  mapError: (error: unknown) => unknown,
): Response {
  if (!response.body) {
    cleanup();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          cleanup();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        cleanup();
        controller.error(mapError(error));
      }
    },
    cancel(reason) {
      cleanup();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
