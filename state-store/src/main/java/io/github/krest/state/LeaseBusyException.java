package io.github.krest.state;

/**
 * Another request (on this or another replica) holds the instance's lease. The caller backs off and retries
 * until its request timeout, then answers an empty record list (docs/architecture.md, poll step 1).
 */
public class LeaseBusyException extends RetriableStateStoreException {

    private final String group;
    private final String name;
    private final String holderReplicaId;
    private final long expiresAtMs;

    public LeaseBusyException(String group, String name, String holderReplicaId, long expiresAtMs) {
        super("lease of consumer instance '" + name + "' in group '" + group + "' is held by replica '"
                + holderReplicaId + "' until " + expiresAtMs);
        this.group = group;
        this.name = name;
        this.holderReplicaId = holderReplicaId;
        this.expiresAtMs = expiresAtMs;
    }

    /** @return the group id */
    public String group() {
        return group;
    }

    /** @return the instance name */
    public String name() {
        return name;
    }

    /** @return the replica id the holder passed to {@code beginPoll} */
    public String holderReplicaId() {
        return holderReplicaId;
    }

    /** @return when the lease lapses unless released earlier, epoch ms (the holder's clock) */
    public long expiresAtMs() {
        return expiresAtMs;
    }
}
