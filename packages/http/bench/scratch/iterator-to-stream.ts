/**
 * A pull-based `ReadableStream` over an async iterator: one `next()` per pull (no read-ahead),
 * and cancelling the stream calls `return()`, which for an SSE stream aborts the request.
 */
export function iteratorToStream<T>(iterator: AsyncIterator<T>): ReadableStream<T> {
  return new ReadableStream<T>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
