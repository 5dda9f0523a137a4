package io.github.krest.proxy.format;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.krest.proxy.format.registry.RegisteredSchema;
import io.github.krest.proxy.format.registry.SchemaRegistryClient;
import io.github.krest.proxy.format.registry.SchemaRegistryException;

/** A test double of the Schema Registry: schemas by id, subjects as version lists, and a call counter. */
final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final Map<Integer, RegisteredSchema> byId = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();
    private int nextId;
    int calls;

    InMemorySchemaRegistryClient(int firstId) {
        this.nextId = firstId;
    }

    @Override
    public synchronized RegisteredSchema byId(int id) {
        calls++;
        RegisteredSchema s = byId.get(id);
        if (s == null) {
            throw SchemaRegistryException.of(404, 40403, "Schema " + id + " not found", "schema id " + id);
        }
        return s;
    }

    @Override
    public synchronized RegisteredSchema version(String subject, String version) {
        calls++;
        List<Integer> ids = subjects.getOrDefault(subject, List.of());
        int index = version.equals("latest") ? ids.size() - 1 : Integer.parseInt(version) - 1;
        if (index < 0 || index >= ids.size()) {
            throw SchemaRegistryException.of(404, 40402, "Version not found", "version " + version);
        }
        return byId.get(ids.get(index));
    }

    @Override
    public synchronized int register(String subject, String type, String schema) {
        calls++;
        for (RegisteredSchema s : byId.values()) {
            if (s.schema().equals(schema) && s.type().equals(type)) {
                subjects.computeIfAbsent(subject, k -> new ArrayList<>()).add(s.id());
                return s.id();
            }
        }
        int id = nextId++;
        byId.put(id, new RegisteredSchema(id, type, schema));
        subjects.computeIfAbsent(subject, k -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized int versionOf(String subject, String type, String schema) {
        calls++;
        List<Integer> ids = subjects.getOrDefault(subject, List.of());
        for (int i = 0; i < ids.size(); i++) {
            RegisteredSchema s = byId.get(ids.get(i));
            if (s.schema().equals(schema) && s.type().equals(type)) {
                return i + 1;
            }
        }
        throw SchemaRegistryException.of(404, 40403, "Schema not found", "schema under subject " + subject);
    }
}
