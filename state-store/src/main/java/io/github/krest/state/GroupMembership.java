package io.github.krest.state;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The subscribed (SUBSCRIBE-mode) members of a group: the input of an assignment.
 *
 * @param group       the group id
 * @param members     member instance name to its subscription, sorted by name
 * @param fingerprint an opaque digest of {@code members}; equal memberships give equal fingerprints. Pass it to
 *                    {@link ConsumerStateStore#storeAssignment} as the expected fingerprint. Empty string when the
 *                    group has no members.
 */
public record GroupMembership(String group, Map<String, Subscription> members, String fingerprint) {

    public GroupMembership {
        Objects.requireNonNull(group, "group");
        members = Collections.unmodifiableMap(new TreeMap<>(members));
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
