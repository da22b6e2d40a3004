package org.dxscraper.instrumentation.container;

/**
 * What the engine reported about one container in one refresh.
 *
 * @param name the container's name without Docker's leading '/'
 * @param engineState the engine's state string as given, for the log when it is not known
 */
record ContainerStatus(
    String name,
    ContainerState state,
    String engineState,
    ContainerHealth health,
    long restartCount) {}
