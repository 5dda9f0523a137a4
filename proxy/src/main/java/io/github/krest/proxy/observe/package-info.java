/**
 * Observability: Prometheus metrics ({@link io.github.krest.proxy.observe.KrestMetrics}, per-request via
 * {@link io.github.krest.proxy.observe.RequestObserver}, state store calls via
 * {@link io.github.krest.proxy.observe.MeteredStateStore}), health checks
 * ({@link io.github.krest.proxy.observe.KrestHealth}) served by Helidon's observe feature
 * ({@link io.github.krest.proxy.observe.ObserveEndpoints}), and the access log
 * ({@link io.github.krest.proxy.observe.AccessLog}).
 */
package io.github.krest.proxy.observe;
