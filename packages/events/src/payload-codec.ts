import avro from 'avsc';
import { CareRelayError } from '@carerelay/errors';
import type { PayloadContract } from './topic-contract.js';

/**
 * Plain Avro binary for a payload that travels inside an event (no registry
 * frame: the enclosing event's schema names it). Used for the task context
 * before it is sealed.
 */
export class PayloadCodec<T> {
  private readonly type: avro.Type;

  constructor(readonly contract: PayloadContract<T>) {
    this.type = avro.Type.forSchema(contract.schema as avro.Schema);
  }

  encode(value: T): Buffer {
    try {
      return this.type.toBuffer(value);
    } catch (cause) {
      throw new CareRelayError('SERDE_ENCODE_FAILED', `value does not match payload ${this.contract.name}`, {
        cause,
      });
    }
  }

  decode(bytes: Buffer): T {
    try {
      return this.type.fromBuffer(bytes) as T;
    } catch (cause) {
      throw new CareRelayError('SERDE_DECODE_FAILED', `bytes are not a ${this.contract.name}`, { cause });
    }
  }
}
