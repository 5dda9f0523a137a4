package io.github.krest.proxy.security;

import io.github.krest.proxy.kafka.KafkaIdentity;

/**
 * Verifies an authenticated caller's credential with Kafka before the request acts, under
 * {@code kafka.principal.propagation}: a Basic password krest cannot check itself (no
 * {@code authentication.basic.password.file}) must never act unverified, whatever the route touches.
 *
 * <p>Implemented over the caller's own Kafka clients ({@code core.session.KafkaSessions#verify}), so that the SASL
 * handshake that verifies the credential is the one that later requests of the same caller reuse.
 */
@FunctionalInterface
public interface CredentialVerifier {
    /**
     * @param caller the caller as Kafka sees it: principal and the credential krest presents for it
     * @throws io.github.krest.proxy.error.RestException 401/40101 when Kafka refuses the credential; the error
     *         table's code (e.g. 503/50302, 500/50002) when Kafka cannot be asked
     */
    void verify(KafkaIdentity caller);
}
