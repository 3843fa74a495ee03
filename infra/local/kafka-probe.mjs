// A minimal Kafka wire-protocol client (node:net only) used as a readiness probe:
// ApiVersions v0, then Metadata (v4..v7, non-flexible encodings), as a real client would.
// Kafka 4.x dropped Metadata v0-v3 (KIP-896), so the version comes from ApiVersions.
import net from 'node:net';

const API_METADATA = 3;
const API_VERSIONS = 18;

function request(socket, apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('carerelay-infra-probe');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8); // request header v1: nullable string client_id
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length);
  socket.write(Buffer.concat([size, header, clientId, body]));
}

/** Reads length-prefixed response frames off a socket, one at a time. */
function frameReader(socket) {
  let buf = Buffer.alloc(0);
  let waiter = null;
  let failure = null;
  const pump = () => {
    if (!waiter) return;
    if (failure) return waiter.reject(failure);
    if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const len = buf.readInt32BE(0);
      const frame = buf.subarray(4, 4 + len);
      buf = buf.subarray(4 + len);
      const w = waiter;
      waiter = null;
      w.resolve(frame);
    }
  };
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    pump();
  });
  const onEnd = (e) => {
    failure ??= e ?? new Error('connection closed by broker');
    pump();
  };
  socket.on('error', onEnd);
  socket.on('close', () => onEnd());
  return () =>
    new Promise((resolve, reject) => {
      waiter = { resolve, reject };
      pump();
    });
}

class Reader {
  constructor(b) {
    this.b = b;
    this.o = 0;
  }
  i16() {
    const v = this.b.readInt16BE(this.o);
    this.o += 2;
    return v;
  }
  i32() {
    const v = this.b.readInt32BE(this.o);
    this.o += 4;
    return v;
  }
  str() {
    const n = this.i16();
    if (n < 0) return null;
    const s = this.b.toString('utf8', this.o, this.o + n);
    this.o += n;
    return s;
  }
}

/**
 * Asks the broker at host:port for ApiVersions and Metadata.
 * Resolves { brokers: [{ nodeId, host, port }], clusterId, controllerId, metadataVersion }.
 * Rejects on connection errors, protocol errors or after timeoutMs.
 */
export function probeKafka({ host = '127.0.0.1', port, timeoutMs = 3000 }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(
      () => socket.destroy(new Error(`probe timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (err, val) => {
      clearTimeout(timer);
      socket.destroy();
      err ? reject(err) : resolve(val);
    };
    socket.on('error', (e) => done(e));
    const next = frameReader(socket);
    socket.once('connect', async () => {
      try {
        request(socket, API_VERSIONS, 0, 1, Buffer.alloc(0));
        let r = new Reader(await next());
        if (r.i32() !== 1) throw new Error('ApiVersions: correlation id mismatch');
        const err = r.i16();
        if (err !== 0) throw new Error(`ApiVersions error_code ${err}`);
        let range;
        for (let n = r.i32(); n > 0; n--) {
          const [key, min, max] = [r.i16(), r.i16(), r.i16()];
          if (key === API_METADATA) range = [min, max];
        }
        if (!range) throw new Error('broker does not offer Metadata');
        const version = Math.max(range[0], 4);
        if (version > Math.min(range[1], 7))
          throw new Error(`no Metadata version in 4..7 (broker: ${range})`);

        // Metadata v4-v7 body: topics (empty array = no topics), allow_auto_topic_creation=false
        request(socket, API_METADATA, version, 2, Buffer.from([0, 0, 0, 0, 0]));
        r = new Reader(await next());
        if (r.i32() !== 2) throw new Error('Metadata: correlation id mismatch');
        r.i32(); // throttle_time_ms
        const brokers = [];
        for (let n = r.i32(); n > 0; n--) {
          const b = { nodeId: r.i32(), host: r.str(), port: r.i32() };
          r.str(); // rack
          brokers.push(b);
        }
        const clusterId = r.str();
        const controllerId = r.i32();
        done(null, { brokers, clusterId, controllerId, metadataVersion: version });
      } catch (e) {
        done(e);
      }
    });
  });
}
