package io.github.krest.state.memory;

import io.github.krest.state.ConsumerStateStore;
import io.github.krest.state.ConsumerStateStoreContract;

/** Runs the contract against {@link InMemoryConsumerStateStore}. */
class InMemoryConsumerStateStoreTest extends ConsumerStateStoreContract {

    @Override
    protected ConsumerStateStore newStore() {
        return new InMemoryConsumerStateStore();
    }
}
