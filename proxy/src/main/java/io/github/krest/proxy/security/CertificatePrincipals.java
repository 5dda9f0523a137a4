package io.github.krest.proxy.security;

import io.github.krest.proxy.caller.Caller;

import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import io.helidon.webserver.http.ServerRequest;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * The caller of a request that came with a TLS client certificate: the certificate's subject (RFC 2253) mapped by
 * {@code ssl.principal.mapping.rules}, with Kafka's own {@link SslPrincipalMapper}, so the rules a broker uses for
 * its {@code SSL} listener give the same principal here.
 */
public final class CertificatePrincipals {
    private final SslPrincipalMapper mapper;

    /**
     * @param rules Kafka's {@code ssl.principal.mapping.rules} syntax, e.g.
     *              {@code RULE:^CN=([^,]+),.*$/$1/L,DEFAULT}
     * @throws IllegalArgumentException for invalid rules
     */
    public CertificatePrincipals(String rules) {
        this.mapper = SslPrincipalMapper.fromRules(rules);
    }

    /**
     * @param request a request
     * @return the caller its verified client certificate names, empty without one (plain HTTP, or no certificate
     *         under {@code ssl.client.authentication=REQUESTED})
     */
    public Optional<Caller> caller(ServerRequest request) {
        if (!request.isSecure()) {
            return Optional.empty();
        }
        Optional<Certificate[]> chain = request.remotePeer().tlsCertificates();
        if (chain.isEmpty() || chain.get().length == 0 || !(chain.get()[0] instanceof X509Certificate cert)) {
            return Optional.empty();
        }
        String subject = cert.getSubjectX500Principal().getName();
        return Optional.of(new Caller(principal(subject), new Caller.Credential.Certificate(subject)));
    }

    /**
     * @param subjectDn a certificate subject, RFC 2253
     * @return the principal the rules give it
     * @throws IllegalArgumentException when no rule matches (Kafka's "No rules apply")
     */
    public String principal(String subjectDn) {
        try {
            return mapper.getName(subjectDn);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
