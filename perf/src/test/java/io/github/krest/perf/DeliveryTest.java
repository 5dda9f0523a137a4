package io.github.krest.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DeliveryTest {
    @Test
    void eachGroupsPartitionsAreCheckedFromTheirFirstRecordToTheirLastInWhateverOrderTheyArrived() {
        Delivery delivery = new Delivery(3, 2);
        // group 0: partition 0 complete though out of order (a handover between two instances), partition 1 from 40
        for (long offset : new long[] {12, 10, 11, 13}) {
            delivery.given(0, 0, offset);
        }
        delivery.given(0, 1, 40);
        delivery.given(0, 1, 41);
        // group 1: 5 given twice, 7 and 8 skipped, and none of its polls went unanswered
        for (long offset : new long[] {4, 5, 5, 6, 9}) {
            delivery.given(1, 0, offset);
        }
        // group 2: 101 to 103 skipped after a poll it never read the answer of
        delivery.given(2, 1, 100);
        delivery.given(2, 1, 104);
        delivery.unanswered(2);

        Delivery.Result result = delivery.result();

        assertEquals(13, result.records());
        assertEquals(1, result.duplicates());
        assertEquals(5, result.missing());
        assertEquals(2, result.missingAnswered(), "group 2's skips are explained by its unread answer");
    }
}
