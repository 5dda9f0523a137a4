/**
 * The state of krest's v2 REST consumers, kept outside the proxy replicas so that any replica can serve any
 * consumer request: instances, group membership, partition assignment, positions and per-instance leases.
 *
 * <p>{@link io.github.krest.state.ConsumerStateStore} is the API; {@code memory} holds the single-replica
 * implementation and {@code redis} the shared one. The behaviour is specified by the design note
 * "stateless consumers" (shared/design/stateless-consumers.md) and pinned by one contract test suite that runs
 * against both implementations. Nothing in this package knows Kafka clients, HTTP or Helidon.
 */
package io.github.krest.state;
