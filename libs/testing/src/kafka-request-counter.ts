import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { testKafkaOptions } from './kafka-credentials';

/** Kafka protocol API keys a test counts. */
export const KAFKA_API = { listOffsets: 2, metadata: 3, offsetCommit: 8, fetch: 1, produce: 0 } as const;

/**
 * A kafkajs client (the admin user) that counts the requests it sends, by API key, where they leave it: kafkajs
 * writes each request frame (size, API key, …) to its socket in one write, before TLS. For tests that show how many
 * round trips some work costs the broker.
 */
export function requestCountingKafka(brokers: string[], clientId = 'request-counter'): { kafka: Kafka; sent(apiKey: number): number } {
  const counts = new Map<number, number>();
  const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket = ssl ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(chunk) && chunk.length >= 6) counts.set(chunk.readInt16BE(4), (counts.get(chunk.readInt16BE(4)) ?? 0) + 1);
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return socket;
  };
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions(), socketFactory });
  return { kafka, sent: (apiKey) => counts.get(apiKey) ?? 0 };
}
