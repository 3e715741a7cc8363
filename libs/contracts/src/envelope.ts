import { z } from 'zod';

/** The JSON envelope every record on a contract topic carries (API.md, "Kafka topics and event types"). */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  workspaceId: z.string().min(1).max(100),
  streamId: z.string().min(1).max(400),
  streamPosition: z.number().int().nonnegative().optional(),
  correlationId: z.string().min(1).max(200),
  causationId: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()),
});

export type Envelope<TData = Record<string, unknown>> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: TData };

/** Record header that carries the W3C trace context alongside the envelope. */
export const TRACEPARENT_HEADER = 'traceparent';
