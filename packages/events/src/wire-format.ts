import { CareRelayError } from '@carerelay/errors';

/**
 * Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary.
 * Shared by the registry-backed and embedded serdes, so both put the same bytes
 * on the bus.
 */
const MAGIC = 0;
const HEADER = 5;

export function frame(schemaId: number, avro: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + avro.length);
  out.writeUInt8(MAGIC, 0);
  out.writeUInt32BE(schemaId, 1);
  avro.copy(out, HEADER);
  return out;
}

export function unframe(bytes: Buffer): { schemaId: number; avro: Buffer } {
  if (bytes.length < HEADER || bytes.readUInt8(0) !== MAGIC) {
    throw new CareRelayError(
      'SERDE_BAD_FRAME',
      'message is not in Confluent wire format (magic byte or length)',
      {
        retryable: false,
      },
    );
  }
  return { schemaId: bytes.readUInt32BE(1), avro: bytes.subarray(HEADER) };
}
