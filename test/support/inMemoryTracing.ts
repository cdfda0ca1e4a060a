import type { PlanNode } from '@apollo/query-planner';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type Tracing, startTracing } from '../../observability/startTracing';

/**
 * Starts the hub's OpenTelemetry SDK for the calling test file, with its spans kept in memory,
 * and shuts it down after the file. One per file: OpenTelemetry's global tracer provider is
 * set once per process, so a second SDK in the same file would see no spans.
 */
export function useInMemoryTracing(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  beforeAll(async () => {
    tracing = await startTracing({ endpoint: undefined, serviceName: 'rtcc-hub-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  });
  afterAll(async () => {
    await tracing?.shutdown();
  });
  return exporter;
}

/** The subgraphs a query plan fetches from, in plan order (each Fetch node is one request). */
export function fetchesOf(node: PlanNode | undefined, into: string[] = []): string[] {
  if (!node) return into;
  switch (node.kind) {
    case 'Fetch':
      into.push(node.serviceName);
      break;
    case 'Flatten':
      fetchesOf(node.node, into);
      break;
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) fetchesOf(child, into);
      break;
    default:
      throw new Error(`the plan has a ${node.kind} node the tracing tests do not count`);
  }
  return into;
}
