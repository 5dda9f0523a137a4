/**
 * The state of krest's v2 REST consumers, kept outside the proxy replicas so that any replica can serve any
 * consumer request: instances, group membership, partition assignment, positions and per-instance leases.
 *
 * <p>{@link io.github.krest.state.ConsumerStateStore} is the API; {@code memory} holds the single-replica
 * implementation and {@code redis} the shared one. The behaviour is described in
 * docs/architecture.md ("Stateless consumers") and pinned by one contract test suite that runs
 * against both implementations. Nothing in this package knows Kafka clients, HTTP or Helidon.
 */
package io.github.krest.state;
