package io.github.krest.state;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link IdempotencyKeyStore#claim} found for a key: the caller may run the request ({@link Started}), or must
 * answer with the stored answer ({@link Completed}), wait ({@link Running}) or refuse ({@link Mismatch}).
 */
public sealed interface IdempotencyClaim {

    /**
     * The caller owns the key's attempt now and runs the request under {@code token}.
     *
     * @param token     the attempt's token: later calls for this attempt pass it, and fail once another attempt has
     *                  taken the key over
     * @param requestId the request's id, the same for every attempt of a key (the caller's proposal on the first
     *                  one); records written under the key carry it
     * @param scanFrom  present when an earlier attempt may have written records (it was armed, see
     *                  {@link IdempotencyKeyStore#arm}): the offsets it noted before it sent anything, per partition;
     *                  a partition it did not note is to be read from its beginning. Empty for a first attempt, or
     *                  when the earlier one sent nothing
     */
    record Started(long token, String requestId, Optional<Map<PartitionRef, Long>> scanFrom)
            implements IdempotencyClaim {
        public Started {
            Objects.requireNonNull(requestId, "requestId");
            scanFrom = scanFrom.map(Map::copyOf);
        }
    }

    /**
     * The key's request completed: answer with what it answered.
     *
     * @param answer the stored answer
     */
    record Completed(StoredAnswer answer) implements IdempotencyClaim {
        public Completed {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /**
     * Another attempt runs the key's request and may still write: wait, or ask the client to retry later.
     *
     * @param startedMs  when that attempt started (epoch ms)
     * @param deadlineMs when it can write no more and another attempt may take over (epoch ms)
     */
    record Running(long startedMs, long deadlineMs) implements IdempotencyClaim {
    }

    /** The key was used for a different request (another fingerprint). */
    record Mismatch() implements IdempotencyClaim {
    }
}
