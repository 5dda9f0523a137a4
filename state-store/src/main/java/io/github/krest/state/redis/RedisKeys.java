package io.github.krest.state.redis;

import java.util.List;

/**
 * The Redis key layout (docs/architecture.md). Every key of group G carries the hash tag {@code {G}}, so a script
 * can touch all of them atomically on Redis Cluster too; the two global keys are used by their own scripts only.
 * Group ids are escaped ({@code %}, <code>{</code>, <code>}</code> percent-encoded) so that any group id yields a
 * well-formed, unambiguous hash tag. Instance names end the key and need no escaping.
 */
final class RedisKeys {

    /** Sorted set: group id to the time its latest instance was created (ms); the sweeper's work list. */
    static final String GROUPS = "krest:groups";
    /** String {@code expiresAtMs|replicaId}, PX lockMs: the replica currently sweeping. */
    static final String SWEEP_LOCK = "krest:sweeper";

    private RedisKeys() {
    }

    /** @return {@code krest:{G}:}, the prefix of every key of the group */
    static String groupPrefix(String group) {
        return "krest:{" + group.replace("%", "%25").replace("{", "%7B").replace("}", "%7D") + "}:";
    }

    /**
     * @param name an instance name, or empty for group-only scripts
     * @return the KEYS of a group-scoped script, in the order {@code common.lua} documents
     */
    static List<String> scriptKeys(String group, String name) {
        String p = groupPrefix(group);
        return List.of(p + "i:" + name, p + "pos:" + name, p + "lease:" + name, p + "members", p + "subs",
                p + "assignment", p + "instances", p + "seq", p + "handover");
    }

    static String assignment(String group) {
        return groupPrefix(group) + "assignment";
    }
}
