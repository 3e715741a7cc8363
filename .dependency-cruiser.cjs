/** Layer rules (STYLE.md): checked by `npm run check:architecture`, which `npm test` runs. */
module.exports = {
  forbidden: [
    {
      name: 'no-service-imports-another-service',
      comment: 'Services talk only through domain events on Kafka.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: ['^services/$1/'] },
    },
    {
      name: 'libs-never-import-services',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'libs-never-import-tools',
      comment: 'Tools (the bench, the device simulator, CLIs) build on the libs, never the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^tools/' },
    },
    {
      name: 'contracts-stay-framework-free',
      comment: 'libs/contracts is what every service and external consumer shares: no Nest, no I/O clients.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: ['@nestjs', 'node_modules/(pg|kafkajs|ioredis|firebase-admin|@parse)/', '^libs/(?!contracts/)'] },
    },
    {
      name: 'deciders-are-pure',
      comment: 'A decider has no Nest, no I/O: time and ids come in through the command.',
      severity: 'error',
      from: { path: '\\.decider\\.ts$' },
      to: { path: ['@nestjs', 'node_modules/(pg|kafkajs|ioredis)/', '^node:(fs|net|http|crypto)'] },
    },
    {
      name: 'use-cases-know-no-http',
      comment:
        'A use-case handler (`<use case>.handler.ts`: execute(command) returns a result or throws a domain error) and a ' +
        'decider know nothing of HTTP: no @pushmfa/http (problems), no Nest HTTP platform, no fastify. A controller ' +
        'translates between HTTP and the command.',
      severity: 'error',
      from: { path: '\\.(handler|decider)\\.ts$' },
      to: { path: ['^libs/http/', 'node_modules/@nestjs/(platform-[^/]+|swagger)/', 'node_modules/fastify/'] },
    },
    {
      name: 'controllers-never-import-pg',
      comment: 'A controller runs no SQL: what it needs from the database comes through a handler or a query its folder offers.',
      severity: 'error',
      from: { path: '\\.controller\\.ts$' },
      to: { path: 'node_modules/(pg|pg-[^/]+|@types/pg)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
