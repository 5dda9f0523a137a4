package io.github.krest.proxy.http;

import io.helidon.common.mapper.MapperManager;

/**
 * Works around a Helidon 4.4.0 regression (helidon-io/helidon#11383, fixed by #11402 after 4.4.0): every typed
 * header or query value ({@code Headers.contentLength()}, {@code Http1Connection.route}, {@code UriQuery.first})
 * calls {@code MapperManager.global()}, which, with no global manager set, looks up the service registry and builds
 * a new mapper manager each time; on a 2-core machine that was about a tenth of a replica's CPU under load. Pinning
 * one manager with the default mappers (built-in and service-loaded, what the lookup builds) as the global one
 * before anything used it removes the lookup. Helidon 4.5.0's {@code GlobalManager.mapperManager()} still asks the
 * service registry ({@code Services.get}) on every call while no global manager is set, so this stays.
 */
public final class HelidonMappers {
    private static volatile boolean pinned;

    private HelidonMappers() {
    }

    /** Pins one mapper manager as Helidon's global one (once per JVM; later calls do nothing). */
    @SuppressWarnings("removal")
    public static synchronized void pin() {
        if (!pinned) {
            MapperManager.global(MapperManager.create());
            pinned = true;
        }
    }
}
