package io.github.krest.state;

/**
 * No live instance with this name exists in the group: never created, deleted, expired, or (for leased
 * operations) created by another principal (Confluent: 404, error code 40403).
 */
public class InstanceNotFoundException extends StateStoreException {

    private final String group;
    private final String name;

    public InstanceNotFoundException(String group, String name) {
        super("consumer instance '" + name + "' not found in group '" + group + "'");
        this.group = group;
        this.name = name;
    }

    /** @return the group id */
    public String group() {
        return group;
    }

    /** @return the instance name */
    public String name() {
        return name;
    }
}
