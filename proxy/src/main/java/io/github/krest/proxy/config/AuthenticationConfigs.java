package io.github.krest.proxy.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;

/**
 * HTTP authentication: the method (NONE, BASIC, BEARER), the realm and open paths, Basic's password file, the cache
 * of verified credentials, and how bearer tokens are verified (keys, issuer, audience, clock skew, principal claim).
 *
 * <p>One fragment of {@link KrestConfig#DEFINITION}, defined the way Kafka's {@code SslConfigs.addClientSslSupport}
 * adds its keys to a client's {@code ConfigDef}; callers name the keys through their {@link KrestConfig} aliases.
 */
final class AuthenticationConfigs {

    static final String AUTHENTICATION_METHOD = "authentication.method";
    static final String AUTHENTICATION_REALM = "authentication.realm";
    static final String AUTHENTICATION_SKIP_PATHS = "authentication.skip.paths";
    static final String AUTHENTICATION_BASIC_PASSWORD_FILE = "authentication.basic.password.file";
    static final String AUTHENTICATION_VERIFIED_CACHE_MS = "authentication.verified.cache.ms";
    static final String BEARER_JWKS_ENDPOINT_URL = "authentication.bearer.jwks.endpoint.url";
    static final String BEARER_JWKS_REFRESH_MS = "authentication.bearer.jwks.endpoint.refresh.ms";
    static final String BEARER_PUBLIC_KEY_LOCATION = "authentication.bearer.public.key.location";
    static final String BEARER_SECRET = "authentication.bearer.secret";
    static final String BEARER_EXPECTED_ISSUER = "authentication.bearer.expected.issuer";
    static final String BEARER_EXPECTED_AUDIENCE = "authentication.bearer.expected.audience";
    static final String BEARER_CLOCK_SKEW_SECONDS = "authentication.bearer.clock.skew.seconds";
    static final String BEARER_SUB_CLAIM_NAME = "authentication.bearer.sub.claim.name";

    private AuthenticationConfigs() {
    }

    /**
     * Defines the authentication keys: type, default, validator and doc line of each.
     *
     * @param def the definition to add to
     * @return {@code def}
     */
    static ConfigDef addAuthenticationSupport(ConfigDef def) {
        return def
            .define(AUTHENTICATION_METHOD, ConfigDef.Type.STRING, "NONE",
                    ConfigDef.CaseInsensitiveValidString.in("NONE", "BASIC", "BEARER"), Importance.HIGH,
                    "HTTP authentication: NONE (the principal is the mutual-TLS client certificate's, if any), "
                            + "BASIC (Authorization: Basic) or BEARER (Authorization: Bearer with a JWT). "
                            + "Failures answer 401/40101 with WWW-Authenticate.")
            .define(AUTHENTICATION_REALM, ConfigDef.Type.STRING, "krest", Importance.LOW,
                    "The realm in WWW-Authenticate challenges.")
            .define(AUTHENTICATION_SKIP_PATHS, ConfigDef.Type.LIST, "/observe/health,/observe/health/*", Importance.LOW,
                    "Paths served without authentication: exact paths, or prefixes ending in /* (krest's default "
                            + "keeps the health probes of load balancers open; Confluent's is empty).")
            .define(AUTHENTICATION_BASIC_PASSWORD_FILE, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "krest: file of user:bcrypt-hash lines (bin/krest-passwd or htpasswd -B) that BASIC "
                            + "checks passwords against; re-read when it changes. Empty: BASIC checks nothing "
                            + "itself and passes the credentials on, for Kafka to verify under principal "
                            + "propagation. (Confluent uses a JAAS login module instead.)")
            .define(AUTHENTICATION_VERIFIED_CACHE_MS, ConfigDef.Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "krest: how long a verified credential is remembered, in ms: a password checked against "
                            + AUTHENTICATION_BASIC_PASSWORD_FILE + " (bcrypt), or a credential Kafka accepted under "
                            + "principal propagation (every request is verified before it acts; a credential "
                            + "Kafka refused is remembered for at most 5 s). 0: verify every request.")
            .define(BEARER_JWKS_ENDPOINT_URL, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "krest: JWKS URL with the keys that sign bearer tokens (cached, refreshed as keys rotate); "
                            + "or set " + BEARER_PUBLIC_KEY_LOCATION + " or " + BEARER_SECRET + ".")
            .define(BEARER_JWKS_REFRESH_MS, ConfigDef.Type.LONG, 3_600_000L, Range.atLeast(10_000), Importance.LOW,
                    "krest: how long keys from " + BEARER_JWKS_ENDPOINT_URL + " are cached, in ms; a token "
                            + "signed by an unknown key id refreshes them at once.")
            .define(BEARER_PUBLIC_KEY_LOCATION, ConfigDef.Type.STRING, "", Importance.HIGH,
                    "krest: PEM file of the RSA or EC public key that signs bearer tokens.")
            .define(BEARER_SECRET, ConfigDef.Type.PASSWORD, null, Importance.HIGH,
                    "krest: shared secret of HMAC-signed (HS256/384/512) bearer tokens, at least 32 bytes.")
            .define(BEARER_EXPECTED_ISSUER, ConfigDef.Type.STRING, "", Importance.MEDIUM,
                    "krest: the iss a bearer token must have; empty: any.")
            .define(BEARER_EXPECTED_AUDIENCE, ConfigDef.Type.LIST, "", Importance.MEDIUM,
                    "krest: audiences of which a bearer token's aud must contain one; empty: any.")
            .define(BEARER_CLOCK_SKEW_SECONDS, ConfigDef.Type.INT, 30, Range.atLeast(0), Importance.LOW,
                    "krest: tolerance for exp and nbf of bearer tokens, in seconds.")
            .define(BEARER_SUB_CLAIM_NAME, ConfigDef.Type.STRING, "sub", Importance.LOW,
                    "krest: the claim holding a bearer token's principal (a token without it answers 401).");
    }
}
