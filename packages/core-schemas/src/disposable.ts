/**
 * The two explicit-resource-management globals that Uplink's public types name: clients
 * implement `AsyncDisposable` and declare `[Symbol.asyncDispose]()`, so `await using` works.
 *
 * TypeScript declares them only in `lib: ["esnext.disposable"]` (or `esnext`), and `@types/node`
 * declares them for Node projects. A browser project compiled with `lib: ["es2023", "dom"]` and
 * `skipLibCheck: false` would otherwise fail on our `.d.ts` files. These declarations merge
 * with TypeScript's own when both are present. Your own `await using` still needs
 * TypeScript >= 5.2 with `esnext.disposable` (or `esnext`) in `lib`, and at run time a
 * `Symbol.asyncDispose` (Node >= 22; recent browsers, or a polyfill).
 */
declare global {
  interface SymbolConstructor {
    /** The method `await using` calls when the variable goes out of scope. */
    readonly asyncDispose: unique symbol;
  }
  /** An object that `await using` can release: it has a `[Symbol.asyncDispose]()` method. */
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
}

export {};
