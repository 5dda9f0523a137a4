package io.github.krest.state;

/**
 * A live instance with this name already exists in the group (Confluent: 409, error code 40902).
 */
public class InstanceExistsException extends StateStoreException {

    private final String group;
    private final String name;

    public InstanceExistsException(String group, String name) {
        super("consumer instance '" + name + "' already exists in group '" + group + "'");
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
