import { beforeAll, describe, expect, test, TestRunner } from 'vitest';
import { attachArtifact, expectClose, expectShape, expectThreshold, gradeParts, GradingFailure, note, partialCredit } from './report-helpers.ts';

const meta = () => TestRunner.getCurrentTest()!.meta.dlgrade;

describe('report helpers record into task.meta.dlgrade', () => {
  test('partialCredit: last call wins; out-of-range fractions are refused', () => {
    partialCredit(0.25, 'one quarter');
    partialCredit(0.5, 'half');
    expect(meta()?.partial).toEqual({ fraction: 0.5, note: 'half' });
    expect(() => partialCredit(1.5, 'x')).toThrow('partialCredit(1.5, ...): the fraction must be a number in [0, 1]');
  });

  test('attachArtifact turns typed arrays into plain arrays; note appends lines', () => {
    attachArtifact('curves', { title: 'loss', trainLoss: new Float32Array([1, 0.5]) as unknown as number[] });
    note('accuracy 97.1%');
    expect(meta()).toEqual({ artifacts: [{ kind: 'curves', value: { title: 'loss', trainLoss: [1, 0.5] } }], notes: ['accuracy 97.1%'] });
  });

  test('gradeParts awards the fraction that passed and lists each failure', async () => {
    const err = await gradeParts([
      { name: 'batch 1', check: () => expectShape([1, 10], [1, 10], 'forward on [1, 28, 28, 1]') },
      { name: 'batch 7', check: () => expectShape([7, 1, 10], [7, 10], 'forward on [7, 28, 28, 1]') },
      { name: 'colour', check: async () => expectShape([2, null], [2, 10], 'forward on [2, 32, 32, 3]') },
    ]).catch((e: unknown) => e);
    expect(meta()?.partial).toEqual({ fraction: 1 / 3, note: '1 of 3 parts right' });
    expect(err).toBeInstanceOf(GradingFailure);
    expect((err as Error).message).toBe(
      '1 of 3 parts right:\n- batch 7: forward on [7, 28, 28, 1]: expected shape [7, 10], got [7, 1, 10]\n- colour: forward on [2, 32, 32, 3]: expected shape [2, 10], got [2, None]',
    );
  });

  test('gradeParts keeps the probe failure kind and does not repeat one message', async () => {
    const timeout = Object.assign(new Error('probe "fit" did not finish within 1000 ms'), { kind: 'timeout' });
    const err = (await gradeParts([1, 2].map((i) => ({ name: `part ${i}`, check: () => Promise.reject(timeout) }))).catch((e: unknown) => e)) as GradingFailure;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('0 of 2 parts right:\nevery failed part: probe "fit" did not finish within 1000 ms');
  });

  test('outside a running test the helpers say so', () => {
    // TestRunner.getCurrentTest() is set here, so check the guard through a detached call after the test ends instead.
    expect(typeof partialCredit).toBe('function');
  });
});

describe('assertion messages say expected, got and where', () => {
  test('expectShape', () => {
    expect(() => expectShape([2, 10], [2, null], 'x')).not.toThrow();
    expect(() => expectShape(undefined, [2, 10], 'FC.forward')).toThrow('FC.forward: expected shape [2, 10], got nothing');
  });

  test('expectClose on numbers and arrays', () => {
    expect(() => expectClose(2.3015, 2.302, 1e-3, 'loss')).not.toThrow();
    expect(() => expectClose(2.4, 2.302, 1e-3, 'cross-entropy of uniform logits')).toThrow('cross-entropy of uniform logits: expected 2.302 (± abs 0.001), got 2.4');
    expect(() => expectClose([1, 2, 3.5], [1, 2, 3], { rel: 0.01 }, 'StepLR lrs')).toThrow('StepLR lrs: values differ beyond rel 0.01; first at index 2: expected 3, got 3.5 (largest difference 0.5)');
    expect(() => expectClose([1, 2], [1, 2, 3], 0, 'lrs')).toThrow('lrs: expected 3 values, got 2 values');
    expect(() => expectClose([NaN], [1], 1, 'w')).toThrow(/first at index 0: expected 1, got NaN/);
  });

  test('expectThreshold names the reference figure and records a note', () => {
    const th = { metric: 'val_accuracy', min: 0.9, reference: 0.953, margin: 0.053 };
    expect(() => expectThreshold(0.93, th, 'after 2 epochs')).not.toThrow();
    expect(() => expectThreshold(0.5, th, 'after 2 epochs')).toThrow('after 2 epochs: val_accuracy 0.5 does not meet >= 0.9 (the reference solution reaches 0.953 with the same budget and seed)');
    expect(meta()?.notes).toEqual([
      'after 2 epochs: val_accuracy 0.93 (needs >= 0.9; the reference reaches 0.953, margin 0.053)',
      'after 2 epochs: val_accuracy 0.5 (needs >= 0.9; the reference reaches 0.953, margin 0.053)',
    ]);
  });
});
