package io.github.krest.proxy.core;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;

/**
 * Kafka's topic name rule (1 to 249 characters of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}), checked
 * before any client call so a bad name answers 400/40002 at once.
 */
public final class TopicNames {
    private static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /**
     * @param topic a topic name from a path or body
     * @return {@code topic}
     * @throws RestException 400/40002 when it is not a legal topic name
     */
    public static String requireValid(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_LENGTH
                || topic.equals(".") || topic.equals("..")) {
            throw invalid(topic);
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!legal) {
                throw invalid(topic);
            }
        }
        return topic;
    }

    private static RestException invalid(String topic) {
        return new RestException(ErrorCode.KAFKA_BAD_REQUEST, "Invalid topic name: '" + topic
                + "'. A topic name is 1 to 249 characters of ASCII letters, digits, '.', '_' and '-'.");
    }
}
