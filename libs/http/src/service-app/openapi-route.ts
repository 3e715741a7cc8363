import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';

export interface OpenApiOptions {
  readonly title?: string;
  readonly version?: string;
  readonly description?: string;
  /** Adds security schemes, servers, tags… before the document is built. */
  readonly configure?: (builder: DocumentBuilder) => DocumentBuilder;
}

/** Builds the service's OpenAPI document from its controllers and serves it at GET /openapi.json. */
export function serveOpenApiDocument(app: INestApplication, serviceName: string, options: OpenApiOptions = {}): OpenAPIObject {
  let builder = new DocumentBuilder()
    .setTitle(options.title ?? `pushmfa ${serviceName}`)
    .setVersion(options.version ?? '1')
    .setDescription(options.description ?? 'Errors are application/problem+json (RFC 9457) with a stable `code`.');
  if (options.configure) builder = options.configure(builder);
  const document = SwaggerModule.createDocument(app, builder.build());
  const body = JSON.stringify(document);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.get('/openapi.json', async (_request, reply) => {
    await reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });
  return document;
}
