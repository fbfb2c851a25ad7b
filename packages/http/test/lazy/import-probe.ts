// Child process of lazy-transport.test.ts: import an entry, optionally send one request, and
// print which of Node's fetch internals got loaded.
const [entry = '', url] = process.argv.slice(2);
const http = (await import(entry)) as typeof import('../../src/index.js');
// Node's list of the internal modules it has loaded (undocumented, stable since Node 0.x).
const { moduleLoadList } = process as unknown as { moduleLoadList: string[] };
const loadedAfterImport = moduleLoadList.some((m) => m.includes('undici'));
let body: unknown;
if (url) {
  const client = http.createHttpClient({ baseUrl: url, retry: false });
  body = await client.get('/', null).then(() => 'ok');
}
process.stdout.write(JSON.stringify({ loadedAfterImport, body }));
