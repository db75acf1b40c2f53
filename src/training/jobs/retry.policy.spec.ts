import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { MlflowError, ErrorCode } from '../../common/mlflow-error';
import { DataSourceError, TrainingInputError } from '../core/errors';
import { RetryPolicy } from './retry.policy';

describe('RetryPolicy', () => {
  const policy = new RetryPolicy(3);

  it('retries what may be transient and fails bad input at once', () => {
    expect(policy.isPermanent(new Error('ENOTDIR: not a directory'))).toBe(false);
    expect(policy.isPermanent(new DataSourceError('network down', true))).toBe(false);
    expect(policy.isPermanent(new MlflowError(ErrorCode.TEMPORARILY_UNAVAILABLE, 'busy'))).toBe(false);
    expect(policy.isPermanent(new DataSourceError('unknown ticker'))).toBe(true);
    expect(policy.isPermanent(new TrainingInputError('seq_length too long'))).toBe(true);
    expect(policy.isPermanent(MlflowError.invalid('bad'))).toBe(true);
    // As it arrives from another process: only the name survives.
    expect(policy.isPermanent(Object.assign(new Error('x'), { name: 'UnrecoverableError' }))).toBe(true);
  });

  it('ends a job after its last attempt or at the first permanent failure', () => {
    const io = new Error('EIO');
    expect([1, 2, 3].map((n) => policy.isFinal(io, n))).toEqual([false, false, true]);
    expect(policy.isFinal(io, 1, 1)).toBe(true); // the job's own attempt count wins
    expect(policy.isFinal(new TrainingInputError('bad'), 1)).toBe(true);
  });

  it('backs off exponentially, like the BullMQ options it produces', () => {
    expect([1, 2, 3].map((n) => policy.backoffMs(n))).toEqual([2000, 4000, 8000]);
    const { attempts, backoff } = policy.bullmqOptions();
    expect(attempts).toBe(3);
    // BullMQ's exponential backoff: delay * 2^(attemptsMade - 1).
    expect([1, 2, 3].map((n) => backoff.delay * 2 ** (n - 1))).toEqual([2000, 4000, 8000]);
  });

  it('throws permanent failures as UnrecoverableError (queues do not retry them), others as they are', () => {
    const io = new Error('EIO');
    expect(policy.toThrow(io)).toBe(io);
    const bad = policy.toThrow(new TrainingInputError('bad'));
    expect(bad).toBeInstanceOf(UnrecoverableError);
    expect((bad as Error).message).toBe('bad');
    const already = new UnrecoverableError('gone');
    expect(policy.toThrow(already)).toBe(already);
  });
});
