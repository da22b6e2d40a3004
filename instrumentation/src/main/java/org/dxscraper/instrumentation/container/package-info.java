/**
 * Container status read from a Docker Engine API (dockerd, or podman's compatible service) over a
 * unix socket or TCP: {@link org.dxscraper.instrumentation.container.DockerHost} parses {@code
 * --docker-host}, {@link org.dxscraper.instrumentation.container.ContainerMetrics} refreshes on a
 * schedule and exposes {@code container_*} meters that come and go with the containers.
 */
package org.dxscraper.instrumentation.container;
