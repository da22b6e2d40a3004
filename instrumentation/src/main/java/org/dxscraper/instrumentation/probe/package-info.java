/**
 * Port and HTTP probes under blackbox_exporter's metric names ({@code probe_success}, {@code
 * probe_duration_seconds}, {@code probe_http_status_code}): {@link
 * org.dxscraper.instrumentation.probe.ProbeTarget} parses {@code --probe}, {@link
 * org.dxscraper.instrumentation.probe.ProbeMetrics} runs the probes on a schedule and exposes the
 * cached results.
 */
package org.dxscraper.instrumentation.probe;
