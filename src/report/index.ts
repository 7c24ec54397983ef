/**
 * The run report: a model of a trace, rendered as a self-contained HTML page or as Chrome
 * Trace Event JSON (Perfetto, chrome://tracing).
 */
export { buildReportModel, type ReportCall, type ReportExecution, type ReportModel, type ReportTurn, type ReportWait } from './report-model.js';
export { renderHtmlReport, escapeHtml, type HtmlReportOptions } from './html-report.js';
export { chromeTrace, type ChromeTrace, type TraceEvent } from './chrome-trace.js';
export { layoutDag, type DagLayout, type PlacedNode } from './dag-layout.js';
