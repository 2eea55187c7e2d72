import { backoffDelayMs, BackoffPolicy } from '@cryopilot/protocol';
import { HardwareError, HardwareErrorCode } from '../hardware.errors';
import { I2cBus } from '../i2c-bus';
import { describeError, errorCode, TRANSIENT_I2C_CODES } from '../i2c-errors';
import { MegaindStats, Sleep } from './megaind-card.types';
import { hexAddress } from './megaind.registers';

/** Register access inside one queued operation (see `MegaindTransport.exclusive`). */
export interface TransportSession {
  read(register: number, length: number): Promise<Buffer>;
  write(register: number, data: Buffer): Promise<void>;
}

/** Retry policy of `MegaindTransport`. */
export interface RetryPolicy {
  /** Retries of a transient error per transaction. */
  maxRetries: number;
  /** Retry n waits baseMs·2^n (no jitter: one master on a local bus has nobody to avoid). */
  baseMs: number;
}

/**
 * The bus as seen from one card address: every transaction goes through `transact`, which
 * retries transient errors with bounded exponential back-off and keeps the health counters.
 * Operations are queued one at a time, so a write and its verifying read are never interleaved
 * with another operation of this process (multi-step sequences are not atomic, docs/hardware.md §1).
 */
export class MegaindTransport {
  private readonly counters: MegaindStats = {
    transactions: 0,
    retries: 0,
    failures: 0,
    lastError: null,
  };
  /** Settles when the last queued operation has; the next one starts after it. */
  private queueTail: Promise<unknown> = Promise.resolve();
  private readonly session: TransportSession = {
    read: (register, length) => this.readNow(register, length),
    write: (register, data) => this.writeNow(register, data),
  };

  constructor(
    private readonly bus: I2cBus,
    /** 7-bit address of the card. */
    readonly address: number,
    private readonly retry: RetryPolicy,
    private readonly sleep: Sleep,
  ) {}

  private get retryPolicy(): BackoffPolicy {
    const { baseMs, maxRetries } = this.retry;
    return { initialMs: baseMs, maxMs: baseMs * 2 ** maxRetries, jitter: 'none' };
  }

  /** One queued block read of `length` bytes at `register`. */
  read(register: number, length: number): Promise<Buffer> {
    return this.exclusive((io) => io.read(register, length));
  }

  /** One queued block write of `data` at `register`. */
  write(register: number, data: Buffer): Promise<void> {
    return this.exclusive((io) => io.write(register, data));
  }

  /** Run a multi-transaction `operation` once every earlier operation has settled. */
  exclusive<T>(operation: (io: TransportSession) => Promise<T>): Promise<T> {
    const run = this.queueTail.then(() => operation(this.session));
    // The caller receives the outcome through `run`; the queue only needs to know it settled.
    this.queueTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A snapshot of the health counters. */
  stats(): MegaindStats {
    return { ...this.counters };
  }

  private readNow(register: number, length: number): Promise<Buffer> {
    return this.transact(`read reg ${register} (${length} B)`, async () => {
      const data = await this.bus.readBlock(this.address, register, length);
      if (data.length !== length) {
        // A bus that returns the wrong length is broken: fail, never decode garbage.
        throw new HardwareError(
          HardwareErrorCode.BUS_ERROR,
          `read reg ${register}: got ${data.length} of ${length} bytes`,
        );
      }
      return data;
    });
  }

  private writeNow(register: number, data: Buffer): Promise<void> {
    return this.transact(`write reg ${register} (${data.length} B)`, () =>
      this.bus.writeBlock(this.address, register, data),
    );
  }

  /**
   * One bus transaction. Transient codes (EREMOTEIO, EIO, ETIMEDOUT, EAGAIN, EBUSY) are retried
   * after baseMs·2^n ms, at most maxRetries times; any other error, or a transient one that
   * outlives the retries, becomes HardwareError BUS_ERROR with the cause attached.
   */
  private async transact<T>(what: string, operation: () => Promise<T>): Promise<T> {
    this.counters.transactions++;
    const where = `${what} at ${hexAddress(this.address)}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        // Catches every failure of the bus call to classify it: a HardwareError (bus closed,
        // wrong length) is already classified and goes out as is; POSIX-coded errors are
        // retried when transient and wrapped as BUS_ERROR otherwise.
        this.counters.lastError = `${where}: ${describeError(error)}`;
        if (error instanceof HardwareError) {
          this.counters.failures++;
          throw error;
        }
        const code = errorCode(error);
        if (
          code !== undefined &&
          TRANSIENT_I2C_CODES.has(code) &&
          attempt < this.retry.maxRetries
        ) {
          this.counters.retries++;
          await this.sleep(backoffDelayMs(attempt, this.retryPolicy));
          continue;
        }
        this.counters.failures++;
        throw new HardwareError(
          HardwareErrorCode.BUS_ERROR,
          `${where} failed after ${attempt + 1} attempt(s): ${describeError(error)}`,
          { cause: error },
        );
      }
    }
  }
}
