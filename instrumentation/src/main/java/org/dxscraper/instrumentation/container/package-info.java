/**
 * Container status read from a Docker Engine API (dockerd, or podman's compatible service) over a
 * unix socket or TCP: {@link org.dxscraper.instrumentation.container.DockerHost} parses {@code
 * --docker-host}, {@link org.dxscraper.instrumentation.container.ContainerMetrics} refreshes on a
 * schedule and exposes {@code container_*} meters that come and go with the containers. The
 * requests go through Netty's HTTP/1.1 codec on a channel of the host's kind (NIO unix domain
 * socket or TCP), on an event loop of their own.
 */
package org.dxscraper.instrumentation.container;
