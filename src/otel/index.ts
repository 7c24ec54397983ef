/**
 * `toolgraph/otel`: OpenTelemetry spans for runs (needs the optional peer `@opentelemetry/api`).
 */
export { otelListener, type OtelListener, type OtelListenerOptions } from './otel-listener.js';
