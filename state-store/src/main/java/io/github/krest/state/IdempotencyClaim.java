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
     * @param earlier   present when this attempt takes over from an earlier one, which may have written records
     */
    record Started(long token, String requestId, Optional<Earlier> earlier) implements IdempotencyClaim {
        public Started {
            Objects.requireNonNull(requestId, "requestId");
            Objects.requireNonNull(earlier, "earlier");
        }
    }

    /**
     * What is known of the earlier attempts of a key taken over, to find the records they wrote.
     *
     * @param sinceMs  when the key's first attempt claimed it (epoch ms, on that attempt's clock): no attempt sent a
     *                 record before
     * @param scanFrom present when an attempt armed the key ({@link IdempotencyKeyStore#arm}): the next offset of each
     *                 partition its records could go to, read before it sent anything; a partition it did not note is
     *                 to be read from its beginning
     */
    record Earlier(long sinceMs, Optional<Map<PartitionRef, Long>> scanFrom) {
        public Earlier {
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
