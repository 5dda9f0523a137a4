package io.github.krest.proxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/**
 * What a request to an endpoint costs against Confluent's generic rate limit: {@code rate.limit.costs} entries
 * ({@code name=cost}, where the name is a resource name or a prefix ending in {@code .*}) and
 * {@code rate.limit.default.cost} for every other endpoint. Cost 0 is unlimited.
 *
 * @param defaultCost the cost of an endpoint no entry names, {@code >= 0}
 * @param entries the entries, in configuration order
 */
public record RateLimitCosts(int defaultCost, List<Map.Entry<String, Integer>> entries) {
    public RateLimitCosts {
        entries = List.copyOf(entries);
    }

    /**
     * @param config krest configuration
     * @return {@code rate.limit.default.cost} and {@code rate.limit.costs}
     */
    public static RateLimitCosts of(KrestConfig config) {
        return new RateLimitCosts(config.getInt(KrestConfig.RATE_LIMIT_DEFAULT_COST),
                parse(config.getList(KrestConfig.RATE_LIMIT_COSTS)));
    }

    /**
     * Parses {@code rate.limit.costs}.
     *
     * @param entries {@code name=cost} entries; blank ones are skipped
     * @return the entries in order
     * @throws ConfigException for an entry without {@code =} or with a negative or non-numeric cost
     */
    public static List<Map.Entry<String, Integer>> parse(List<String> entries) {
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
     * @param name a resource name, e.g. {@code api.v3.topics.list}
     * @return its cost: the exact entry, else the longest matching prefix entry, else the default
     */
    public int cost(String name) {
        Map.Entry<String, Integer> best = null;
        for (Map.Entry<String, Integer> e : entries) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
            String key = e.getKey();
            boolean prefix = key.endsWith(".*") && name.startsWith(key.substring(0, key.length() - 1));
            if (prefix && (best == null || key.length() > best.getKey().length())) {
                best = e;
            }
        }
        return best == null ? defaultCost : best.getValue();
    }
}
