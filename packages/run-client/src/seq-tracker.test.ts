import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_UNSEQUENCED, SeqTracker } from './seq-tracker.js';

const at = (seq: number | undefined, timestamp = 't', event = 'message', stream = 'assistant') => ({
  seq,
  stream,
  event,
  timestamp,
});

describe('SeqTracker', () => {
  it('starts before seq 0 and advances one seq at a time', () => {
    const tracker = new SeqTracker();
    expect(tracker.lastSeq).toBe(-1);
    expect(tracker.nextSeq).toBe(0);
    expect(tracker.accept(at(0))).toEqual({ kind: 'next' });
    expect(tracker.lastSeq).toBe(0);
    expect(tracker.nextSeq).toBe(1);
    expect(tracker.accept(at(1))).toEqual({ kind: 'next' });
    expect(tracker.lastSeq).toBe(1);
  });

  it('drops everything at or below lastSeq as a duplicate, without moving', () => {
    const tracker = new SeqTracker();
    tracker.accept(at(0));
    tracker.accept(at(1));
    expect(tracker.accept(at(1))).toEqual({ kind: 'duplicate' });
    expect(tracker.accept(at(0))).toEqual({ kind: 'duplicate' });
    expect(tracker.lastSeq).toBe(1);
  });

  it('reports a gap with its inclusive bounds and does not advance until it is filled', () => {
    const tracker = new SeqTracker();
    tracker.accept(at(0));
    expect(tracker.accept(at(2))).toEqual({ kind: 'gap', from: 1, to: 1 });
    expect(tracker.accept(at(5))).toEqual({ kind: 'gap', from: 1, to: 4 });
    expect(tracker.lastSeq).toBe(0);
    expect(tracker.accept(at(1))).toEqual({ kind: 'next' });
    expect(tracker.accept(at(2))).toEqual({ kind: 'next' });
    expect(tracker.lastSeq).toBe(2);
  });

  it('treats a first event after 0 as a gap from 0', () => {
    expect(new SeqTracker().accept(at(3))).toEqual({ kind: 'gap', from: 0, to: 2 });
  });

  it('starts at fromSeq: earlier events are duplicates, fromSeq is next', () => {
    const tracker = new SeqTracker(5);
    expect(tracker.lastSeq).toBe(4);
    expect(tracker.nextSeq).toBe(5);
    expect(tracker.accept(at(4))).toEqual({ kind: 'duplicate' });
    expect(tracker.accept(at(6))).toEqual({ kind: 'gap', from: 5, to: 5 });
    expect(tracker.accept(at(5))).toEqual({ kind: 'next' });
  });

  it('refuses a negative or fractional fromSeq', () => {
    expect(() => new SeqTracker(-1)).toThrow(RangeError);
    expect(() => new SeqTracker(1.5)).toThrow('fromSeq must be a whole number >= 0, got 1.5');
    expect(new SeqTracker(0).lastSeq).toBe(-1);
  });

  it('delivers an unsequenced event once, keyed by stream, event and timestamp', () => {
    const tracker = new SeqTracker();
    expect(tracker.accept(at(undefined, 't1'))).toEqual({ kind: 'unsequenced' });
    expect(tracker.accept(at(undefined, 't1'))).toEqual({ kind: 'duplicate' });
    expect(tracker.accept(at(undefined, 't2'))).toEqual({ kind: 'unsequenced' });
    expect(tracker.accept(at(undefined, 't1', 'other'))).toEqual({ kind: 'unsequenced' });
    expect(tracker.accept(at(undefined, 't1', 'message', 'tool'))).toEqual({ kind: 'unsequenced' });
    expect(tracker.lastSeq).toBe(-1);
  });

  it('does not confuse fields that concatenate alike', () => {
    const tracker = new SeqTracker();
    expect(tracker.accept({ seq: undefined, stream: 'ab', event: 'c', timestamp: 't' }).kind).toBe(
      'unsequenced',
    );
    expect(tracker.accept({ seq: undefined, stream: 'a', event: 'bc', timestamp: 't' }).kind).toBe(
      'unsequenced',
    );
  });

  it('remembers a bounded number of unsequenced events, forgetting the oldest', () => {
    const tracker = new SeqTracker();
    for (let i = 0; i < MAX_REMEMBERED_UNSEQUENCED; i++) tracker.accept(at(undefined, `t${i}`));
    expect(tracker.accept(at(undefined, 't0'))).toEqual({ kind: 'duplicate' });
    tracker.accept(at(undefined, 'new'));
    // t0 was the oldest and is forgotten; t1 is still remembered.
    expect(tracker.accept(at(undefined, 't0'))).toEqual({ kind: 'unsequenced' });
    expect(tracker.accept(at(undefined, 't2'))).toEqual({ kind: 'duplicate' });
    expect(MAX_REMEMBERED_UNSEQUENCED).toBe(256);
  });
});
