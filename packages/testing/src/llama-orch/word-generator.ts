// A fake-only stream mode: readable words for demos. No llama-orch server sends this; it reuses
// the state sequence of the deterministic generator (docs/protocols/llama-orch.md §12.2), so it
// is reproducible per seed.
import { engineSalt, type GeneratedStream, generateTokens } from './token-generator.js';

/**
 * The fixed vocabulary of the `words` mode: placeholder Latin, so nobody mistakes the text for
 * a model's answer.
 */
export const FAKE_WORDS: readonly string[] = Object.freeze([
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'consectetur',
  'adipiscing',
  'elit',
  'sed',
  'do',
  'eiusmod',
  'tempor',
  'incididunt',
  'ut',
  'labore',
  'et',
  'dolore',
  'magna',
  'aliqua',
  'enim',
  'ad',
  'minim',
  'veniam',
  'quis',
  'nostrud',
  'exercitation',
  'ullamco',
  'laboris',
  'nisi',
  'aliquip',
  'ex',
  'ea',
  'commodo',
  'consequat',
  'duis',
  'aute',
  'irure',
  'in',
  'reprehenderit',
  'voluptate',
  'velit',
  'esse',
  'cillum',
  'fugiat',
  'nulla',
  'pariatur',
  'excepteur',
  'sint',
  'occaecat',
  'cupidatat',
  'non',
  'proident',
  'sunt',
  'culpa',
  'qui',
  'officia',
  'deserunt',
  'mollit',
  'anim',
  'id',
  'est',
  'laborum',
  'silicon',
  'tensor',
]);

/** Words per sentence: the last one ends with a period, the next one is capitalised. */
const SENTENCE = 8;

const wrap = (x: bigint): bigint => BigInt.asUintN(64, x);

/**
 * FAKE TEXT: `n` tokens of placeholder words for `(engine, seed)`, the same for the same
 * inputs. Each token is one word with its leading space (none before the first), so joined
 * tokens read as sentences: `"Dolor sit tempor ... ut."`. `started` and `end` timings are the
 * deterministic generator's (§12.2), so only the token texts differ from it.
 */
export function generateWords(engine: string, seed: number | bigint, n: number): GeneratedStream {
  const base = generateTokens(engine, seed, n);
  let state = wrap(BigInt.asUintN(64, BigInt(seed)) ^ engineSalt(engine));
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    state = wrap(1664525n * state + 1013904223n) & 0xffffffffn;
    let word = FAKE_WORDS[Number((state >> 8n) % BigInt(FAKE_WORDS.length))] ?? 'lorem';
    if (i % SENTENCE === 0) word = word[0]!.toUpperCase() + word.slice(1);
    if (i % SENTENCE === SENTENCE - 1 || i === n - 1) word += '.';
    tokens.push(i === 0 ? word : ` ${word}`);
  }
  return { ...base, tokens, tokensOut: n };
}
