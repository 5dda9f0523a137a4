package io.github.krest.proxy.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.ErrorResponse;
import io.github.krest.proxy.http.HttpErrors;
import io.github.krest.proxy.http.ResourceNames;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.apache.kafka.common.config.ConfigException;

/**
 * Confluent's generic per-endpoint rate limit ({@code rate.limit.*}, docs/configuration.md): one
 * replica-wide budget of {@code rate.limit.permits.per.sec} permits; every request to a known endpoint costs its
 * {@code rate.limit.costs} entry (a resource name, or a prefix ending in {@code .*}; the exact name wins, then the
 * longest prefix), else {@code rate.limit.default.cost}; cost 0 is unlimited. A request waits up to
 * {@code rate.limit.timeout.ms} for its permits, then answers JSON 429/429 with {@code Retry-After: 1}.
 *
 * <p>v3 produce ({@code records} and {@code records:batch}) is exempt, as in Confluent ({@code @DoNotRateLimit}):
 * it has its own per-record limit, {@link ProduceRateLimiter}. v2 produce is an ordinary endpoint here and costs
 * per request. Unknown paths (answered 404) and {@code OPTIONS} are not counted.
 */
public final class RateLimitFilter implements Filter {
    /** Confluent's message for every rate-limited request or record. */
    public static final String MESSAGE =
            "Request rate limit exceeded: The rate limit of requests per second has been exceeded.";

    private static final List<String> EXEMPT = List.of("api.v3.produce.produce-to-topic",
            "api.v3.batch-produce.produce-to-topic");

    private final RateLimiter limiter;
    private final int defaultCost;
    private final List<Map.Entry<String, Integer>> costs;

    /**
     * @param permitsPerSecond {@code rate.limit.permits.per.sec}
     * @param timeout {@code rate.limit.timeout.ms}
     * @param defaultCost {@code rate.limit.default.cost}
     * @param costs {@code rate.limit.costs} entries, {@code name=cost}
     */
    public RateLimitFilter(int permitsPerSecond, Duration timeout, int defaultCost, List<String> costs) {
        this.limiter = Limiters.perSecond("krest-rate-limit", permitsPerSecond, timeout);
        this.defaultCost = defaultCost;
        this.costs = parseCosts(costs);
    }

    /**
     * @param config krest configuration
     * @return the filter, empty unless {@code rate.limit.enable}
     */
    public static Optional<RateLimitFilter> of(KrestConfig config) {
        if (!config.getBoolean(KrestConfig.RATE_LIMIT_ENABLE)) {
            return Optional.empty();
        }
        return Optional.of(new RateLimitFilter(config.getInt(KrestConfig.RATE_LIMIT_PERMITS_PER_SEC),
                Duration.ofMillis(config.getLong(KrestConfig.RATE_LIMIT_TIMEOUT_MS)),
                config.getInt(KrestConfig.RATE_LIMIT_DEFAULT_COST),
                config.getList(KrestConfig.RATE_LIMIT_COSTS)));
    }

    /**
     * Parses {@code rate.limit.costs}.
     *
     * @param entries {@code name=cost} entries
     * @return the entries in order
     * @throws ConfigException for an entry without {@code =} or with a negative or non-numeric cost
     */
    public static List<Map.Entry<String, Integer>> parseCosts(List<String> entries) {
        List<Map.Entry<String, Integer>> parsed = new ArrayList<>();
        for (String entry : entries) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(KrestConfig.RATE_LIMIT_COSTS, entry, "expected resource.name=cost");
            }
            int cost;
            try {
                cost = Integer.parseInt(e.substring(eq + 1).trim());
            } catch (NumberFormatException nfe) {
                throw new ConfigException(KrestConfig.RATE_LIMIT_COSTS, entry, "the cost must be an integer");
            }
            if (cost < 0) {
                throw new ConfigException(KrestConfig.RATE_LIMIT_COSTS, entry, "the cost must be at least 0");
            }
            parsed.add(Map.entry(e.substring(0, eq).trim(), cost));
        }
        return List.copyOf(parsed);
    }

    /**
     * @param name a resource name
     * @return its cost: the exact entry, else the longest matching prefix entry, else the default
     */
    public int cost(String name) {
        Map.Entry<String, Integer> best = null;
        for (Map.Entry<String, Integer> e : costs) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
            if (ResourceNames.matches(e.getKey(), name)
                    && (best == null || e.getKey().length() > best.getKey().length())) {
                best = e;
            }
        }
        return best == null ? defaultCost : best.getValue();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String method = req.prologue().method().text();
        if (!method.equals(Method.OPTIONS.text())) {
            Optional<String> name = ResourceNames.of(req);
            if (name.isPresent() && !EXEMPT.contains(name.get())) {
                int cost = cost(name.get());
                if (cost > 0 && !Limiters.acquire(limiter, cost)) {
                    HttpErrors.send(req, res, ErrorResponse.of(ErrorCode.TOO_MANY_REQUESTS, MESSAGE));
                    return;
                }
            }
        }
        chain.proceed();
    }
}
