package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;

/**
 * The protobuf embedded format, as Confluent's {@code KafkaProtobufSerializer} writes it: after the wire-format
 * header, the message indexes ({@link ProtobufMessageIndexes}: the path of the message type in the schema file),
 * then the message bytes. The registry's {@code .proto} text is compiled into a protobuf-java {@link FileDescriptor}
 * by {@link ProtobufSchemaCompiler}; this class converts data between JSON and messages with {@link JsonFormat}
 * (proto3 JSON mapping: field names as written or in lowerCamelCase, 64-bit integers as strings or numbers, enums by
 * name, bytes as base64).
 *
 * <p>Writing uses the schema's first top-level message (as Confluent's REST Proxy does), unless the request names
 * another (krest's {@code message_name}, see {@link #selectMessage}). Reading uses the message the
 * record's indexes name, so records of any message type (nested too) are read. Imports may name the well-known
 * types ({@code google/protobuf/timestamp.proto} etc.); other imports (schema references), extensions, groups and
 * editions are not supported (422/42205). Records are rendered with fields that have no presence printed at their
 * default values, names in lowerCamelCase (Confluent's {@code ProtobufSchemaUtils.toJson}).
 */
public final class ProtobufConverter implements SchemaConverter {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();

    /**
     * A parsed {@code .proto} file; registered as wire-schema's canonical rendering of it, named by the
     * fully-qualified name of the message records are written with, for {@code RECORD_NAME}.
     *
     * @param file the file descriptor
     * @param canonical the canonical schema text
     * @param message the message records are written with: the first top-level message unless a request named
     *                another ({@link #selectMessage})
     */
    public record ProtobufSchema(FileDescriptor file, String canonical, Descriptor message) implements ParsedSchema {
        @Override
        public Optional<String> name() {
            return Optional.of(message.getFullName());
        }
    }

    @Override
    public EmbeddedFormat format() {
        return EmbeddedFormat.PROTOBUF;
    }

    @Override
    public String schemaType() {
        return "PROTOBUF";
    }

    /**
     * @param text {@code .proto} text
     * @return the parsed file
     * @throws RestException 422/42205 when it does not parse, does not link, has no message, or imports files other
     *                       than the well-known types
     */
    @Override
    public ProtobufSchema parse(String text) {
        return ProtobufSchemaCompiler.compile(text);
    }

    @Override
    public byte[] toPayload(ParsedSchema schema, JsonNode data, String field) {
        return messagePayload(((ProtobufSchema) schema).message(), data, field);
    }

    /**
     * @param schema a schema from {@link #parse}
     * @param name a message of the schema: fully qualified ({@code shop.Order.Line}) or relative to the package
     *             ({@code Order.Line}); nested messages too
     * @return the schema writing that message
     * @throws RestException 400 when the schema has no such message
     */
    @Override
    public ParsedSchema selectMessage(ParsedSchema schema, String name) {
        ProtobufSchema proto = (ProtobufSchema) schema;
        FileDescriptor file = proto.file();
        String relative = name.startsWith(".") ? name.substring(1) : name;
        if (!file.getPackage().isEmpty() && relative.startsWith(file.getPackage() + ".")) {
            relative = relative.substring(file.getPackage().length() + 1);
        }
        List<Descriptor> level = file.getMessageTypes();
        Descriptor found = null;
        for (String part : relative.split("\\.", -1)) {
            found = level.stream().filter(d -> d.getName().equals(part)).findFirst().orElse(null);
            if (found == null) {
                throw RestException.badRequest("The schema has no message " + name + " (its messages: "
                        + names(file.getMessageTypes()) + ").");
            }
            level = found.getNestedTypes();
        }
        return new ProtobufSchema(file, proto.canonical(), found);
    }

    private static List<String> names(List<Descriptor> types) {
        List<String> names = new ArrayList<>();
        for (Descriptor d : types) {
            names.add(d.getFullName());
            names.addAll(names(d.getNestedTypes()));
        }
        return names;
    }

    /**
     * @param type the message type of the data
     * @param data the message as JSON (proto3 JSON mapping)
     * @param field the value's name for messages
     * @return the message indexes of {@code type}, then the message bytes
     * @throws IllegalArgumentException when the data is not such a message; the message names the field
     */
    static byte[] messagePayload(Descriptor type, JsonNode data, String field) {
        DynamicMessage message = fromJson(type, data, field);
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        ProtobufMessageIndexes.write(ProtobufMessageIndexes.of(type), out);
        out.writeBytes(message.toByteArray());
        return out.toByteArray();
    }

    @Override
    public JsonNode toJson(ParsedSchema schema, byte[] bytes, int offset) {
        FileDescriptor file = ((ProtobufSchema) schema).file();
        CodedInputStream in = CodedInputStream.newInstance(bytes, offset, bytes.length - offset);
        Descriptor type;
        DynamicMessage message;
        try {
            type = ProtobufMessageIndexes.read(file, in);
            message = DynamicMessage.parseFrom(type, in);
        } catch (IOException e) {
            throw new IllegalArgumentException("it does not decode with its schema (" + e.getMessage() + ")");
        }
        try {
            return Json.mapper().readTree(PRINTER.print(message));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("it cannot be written as JSON (" + e.getMessage() + ")");
        }
    }

    /**
     * The message indexes of a type ({@link ProtobufMessageIndexes}): its index among the top-level messages, then
     * among each enclosing message's nested types.
     *
     * @param type a message type
     * @return e.g. {@code [0]} for the first top-level message, {@code [1, 0]} for the first nested type of the
     *         second
     */
    public static List<Integer> indexes(Descriptor type) {
        return ProtobufMessageIndexes.of(type);
    }

    private static DynamicMessage fromJson(Descriptor type, JsonNode data, String field) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        try {
            JsonFormat.parser().merge(data.toString(), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalArgumentException(locate(type, data, field).orElse(field + ": " + e.getMessage()));
        }
    }

    /** The first field of {@code data} that does not convert, with JsonFormat's reason; empty when none is found. */
    private static Optional<String> locate(Descriptor type, JsonNode data, String path) {
        if (!data.isObject() || isWellKnown(type)) {
            return Optional.empty();
        }
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            String at = path + "." + e.getKey();
            Descriptors.FieldDescriptor f = type.findFieldByName(e.getKey());
            if (f == null) {
                f = type.getFields().stream().filter(d -> d.getJsonName().equals(e.getKey())).findFirst()
                        .orElse(null);
            }
            if (f == null) {
                return Optional.of(at + ": no such field in message " + type.getFullName());
            }
            JsonNode value = e.getValue();
            if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
                Descriptor nested = f.getMessageType();
                if (f.isRepeated() && value.isArray()) {
                    for (int i = 0; i < value.size(); i++) {
                        Optional<String> found = locate(nested, value.get(i), at + "[" + i + "]");
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                } else {
                    Optional<String> found = locate(nested, value, at);
                    if (found.isPresent()) {
                        return found;
                    }
                }
            }
            try {
                JsonFormat.parser().merge(Json.mapper().createObjectNode().set(e.getKey(), value).toString(),
                        DynamicMessage.newBuilder(type));
            } catch (InvalidProtocolBufferException | RuntimeException failed) {
                return Optional.of(at + ": " + failed.getMessage());
            }
        }
        return Optional.empty();
    }

    private static boolean isWellKnown(Descriptor type) {
        return type.getFile().getPackage().equals("google.protobuf");
    }
}
