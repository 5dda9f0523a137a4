package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import com.google.protobuf.util.JsonFormat;
import com.squareup.wire.schema.Field;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.internal.parser.EnumConstantElement;
import com.squareup.wire.schema.internal.parser.EnumElement;
import com.squareup.wire.schema.internal.parser.FieldElement;
import com.squareup.wire.schema.internal.parser.MessageElement;
import com.squareup.wire.schema.internal.parser.OneOfElement;
import com.squareup.wire.schema.internal.parser.OptionElement;
import com.squareup.wire.schema.internal.parser.ProtoFileElement;
import com.squareup.wire.schema.internal.parser.ProtoParser;
import com.squareup.wire.schema.internal.parser.TypeElement;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;

/**
 * The protobuf embedded format, as Confluent's {@code KafkaProtobufSerializer} writes it: after the wire-format
 * header, the message indexes (the path of the message type in the schema file: a zig-zag varint count, then each
 * index as a zig-zag varint; the first top-level message {@code [0]} as the single byte {@code 0}), then the message
 * bytes. The registry's {@code .proto} text is parsed with Square's {@code wire-schema} (as Confluent does) and
 * turned into a protobuf-java {@link FileDescriptor}; data is converted with {@link JsonFormat} (proto3 JSON
 * mapping: field names as written or in lowerCamelCase, 64-bit integers as strings or numbers, enums by name,
 * bytes as base64).
 *
 * <p>Writing uses the schema's first top-level message (as Confluent's REST Proxy does), unless the request names
 * another (krest's {@code message_name}, see {@link #selectMessage}). Reading uses the message the
 * record's indexes name, so records of any message type (nested too) are read. Imports may name the well-known
 * types ({@code google/protobuf/timestamp.proto} etc.); other imports (schema references), extensions, groups and
 * editions are not supported (422/42205). Records are rendered with fields that have no presence printed at their
 * default values, names in lowerCamelCase (Confluent's {@code ProtobufSchemaUtils.toJson}).
 */
public final class ProtobufConverter implements SchemaConverter {
    private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();
    private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
            Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
            Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
            Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
            Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
            Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
            Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
            Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
            Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
            Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
            Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES),
            Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
            Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
            Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
            Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
            Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64));

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
        ProtoFileElement element;
        try {
            element = ProtoParser.Companion.parse(Location.get("krest.proto"), text);
        } catch (RuntimeException e) {
            // wire throws IllegalStateException / IllegalArgumentException with the line and column
            throw invalid(e.getMessage());
        }
        boolean proto3 = element.getSyntax() != null && element.getSyntax().toString().equals("proto3");
        FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName("krest.proto")
                .setSyntax(proto3 ? "proto3" : "proto2");
        if (element.getPackageName() != null) {
            file.setPackage(element.getPackageName());
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        List<String> imports = new ArrayList<>(element.getImports());
        imports.addAll(element.getPublicImports());
        for (String imported : imports) {
            FileDescriptor dependency = WELL_KNOWN.get(imported);
            if (dependency == null) {
                throw invalid("import \"" + imported + "\" is not supported (only the well-known types "
                        + "google/protobuf/*.proto; schema references are not supported)");
            }
            file.addDependency(imported);
            dependencies.add(dependency);
        }
        if (!element.getExtendDeclarations().isEmpty()) {
            throw invalid("extensions are not supported");
        }
        for (TypeElement type : element.getTypes()) {
            if (type instanceof MessageElement m) {
                file.addMessageType(message(m, proto3));
            } else if (type instanceof EnumElement e) {
                file.addEnumType(enumType(e));
            }
        }
        if (file.getMessageTypeCount() == 0) {
            throw invalid("the schema has no message");
        }
        try {
            FileDescriptor descriptor = FileDescriptor.buildFrom(file.build(),
                    dependencies.toArray(new FileDescriptor[0]));
            return new ProtobufSchema(descriptor, element.toSchema(), descriptor.getMessageTypes().get(0));
        } catch (Descriptors.DescriptorValidationException e) {
            throw invalid(e.getMessage());
        }
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
        writeIndexes(indexes(type), out);
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
            List<Integer> indexes = readIndexes(in);
            type = messageAt(file, indexes);
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
     * The path of a message type in its file: its index among the top-level messages, then among each enclosing
     * message's nested types.
     *
     * @param type a message type
     * @return e.g. {@code [0]} for the first top-level message, {@code [1, 0]} for the first nested type of the
     *         second
     */
    public static List<Integer> indexes(Descriptor type) {
        List<Integer> path = new ArrayList<>();
        for (Descriptor t = type; t != null; t = t.getContainingType()) {
            path.add(t.getIndex());
        }
        Collections.reverse(path);
        return path;
    }

    /**
     * Writes message indexes as Confluent's {@code MessageIndexes.toByteArray}: {@code [0]} as the single byte 0,
     * else the count and each index as zig-zag varints.
     *
     * @param indexes the path of the message type
     * @param out where to write
     */
    static void writeIndexes(List<Integer> indexes, ByteArrayOutputStream out) {
        if (indexes.size() == 1 && indexes.get(0) == 0) {
            out.write(0);
            return;
        }
        writeZigZag(indexes.size(), out);
        for (int index : indexes) {
            writeZigZag(index, out);
        }
    }

    private static void writeZigZag(int value, ByteArrayOutputStream out) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static List<Integer> readIndexes(CodedInputStream in) throws IOException {
        int count = in.readSInt32();
        if (count == 0) {
            return List.of(0);
        }
        if (count < 0 || count > 100) {
            throw new InvalidProtocolBufferException("message index count " + count + " is out of range");
        }
        List<Integer> indexes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            indexes.add(in.readSInt32());
        }
        return indexes;
    }

    private static Descriptor messageAt(FileDescriptor file, List<Integer> indexes) throws IOException {
        List<Descriptor> level = file.getMessageTypes();
        Descriptor type = null;
        for (int index : indexes) {
            if (index < 0 || index >= level.size()) {
                throw new InvalidProtocolBufferException("message indexes " + indexes + " name no message type "
                        + "of the schema");
            }
            type = level.get(index);
            level = type.getNestedTypes();
        }
        return type;
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

    private static DescriptorProto message(MessageElement m, boolean proto3) {
        if (!m.getGroups().isEmpty()) {
            throw invalid("groups are not supported (message " + m.getName() + ")");
        }
        DescriptorProto.Builder d = DescriptorProto.newBuilder().setName(m.getName());
        for (TypeElement nested : m.getNestedTypes()) {
            if (nested instanceof MessageElement n) {
                d.addNestedType(message(n, proto3));
            } else if (nested instanceof EnumElement e) {
                d.addEnumType(enumType(e));
            }
        }
                for (FieldElement f : m.getFields()) {
            d.addField(field(d, f, proto3, Optional.empty()));
        }
        for (OneOfElement oneOf : m.getOneOfs()) {
            if (!oneOf.getGroups().isEmpty()) {
                throw invalid("groups are not supported (oneof " + oneOf.getName() + ")");
            }
            int index = d.getOneofDeclCount();
            d.addOneofDecl(DescriptorProtos.OneofDescriptorProto.newBuilder().setName(oneOf.getName()));
            for (FieldElement f : oneOf.getFields()) {
                d.addField(field(d, f, proto3, Optional.of(index)));
            }
        }
        // proto3 optional fields each sit in a synthetic oneof, declared after the real ones (as protoc does)
        for (int i = 0; i < d.getFieldCount(); i++) {
            FieldDescriptorProto f = d.getField(i);
            if (f.getProto3Optional()) {
                int index = d.getOneofDeclCount();
                d.addOneofDecl(DescriptorProtos.OneofDescriptorProto.newBuilder().setName("_" + f.getName()));
                d.setField(i, f.toBuilder().setOneofIndex(index));
            }
        }
        return d.build();
    }

    private static FieldDescriptorProto field(DescriptorProto.Builder message, FieldElement f, boolean proto3,
                                              Optional<Integer> oneOf) {
        FieldDescriptorProto.Builder b = FieldDescriptorProto.newBuilder().setName(f.getName()).setNumber(f.getTag());
        Field.Label label = f.getLabel();
        String type = f.getType();
        if (type.startsWith("map<")) {
            String[] kv = type.substring(4, type.length() - 1).split(",", 2);
            String entry = mapEntryName(f.getName());
            message.addNestedType(DescriptorProto.newBuilder().setName(entry)
                    .setOptions(DescriptorProtos.MessageOptions.newBuilder().setMapEntry(true))
                    .addField(typed(FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[0].trim()))
                    .addField(typed(FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL), kv[1].trim())));
            b.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entry);
        } else {
            typed(b, type);
            if (label == Field.Label.REPEATED) {
                b.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED);
            } else if (label == Field.Label.REQUIRED) {
                b.setLabel(FieldDescriptorProto.Label.LABEL_REQUIRED);
            } else {
                b.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
                if (proto3 && label == Field.Label.OPTIONAL && oneOf.isEmpty()) {
                    b.setProto3Optional(true);
                }
            }
        }
        oneOf.ifPresent(b::setOneofIndex);
        if (f.getJsonName() != null) {
            b.setJsonName(f.getJsonName());
        }
        if (f.getDefaultValue() != null) {
            b.setDefaultValue(f.getDefaultValue());
        }
        DescriptorProtos.FieldOptions.Builder options = DescriptorProtos.FieldOptions.newBuilder();
        for (OptionElement o : f.getOptions()) {
            switch (o.getName()) {
                case "packed" -> options.setPacked(Boolean.parseBoolean(String.valueOf(o.getValue())));
                case "deprecated" -> options.setDeprecated(Boolean.parseBoolean(String.valueOf(o.getValue())));
                default -> {
                    // other options (json_name and default are read above) do not change the encoding
                }
            }
        }
        if (options.hasPacked() || options.hasDeprecated()) {
            b.setOptions(options);
        }
        return b.build();
    }

    private static FieldDescriptorProto.Builder typed(FieldDescriptorProto.Builder b, String type) {
        FieldDescriptorProto.Type scalar = SCALARS.get(type);
        // a message or enum name is resolved (relative to the message's scope) when the file is built
        return scalar != null ? b.setType(scalar) : b.setTypeName(type);
    }

    /** protoc's name for a map field's entry type: {@code my_map} → {@code MyMapEntry}. */
    private static String mapEntryName(String field) {
        StringBuilder s = new StringBuilder();
        boolean upper = true;
        for (char c : field.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return s.append("Entry").toString();
    }

    private static EnumDescriptorProto enumType(EnumElement e) {
        EnumDescriptorProto.Builder b = EnumDescriptorProto.newBuilder().setName(e.getName());
        for (EnumConstantElement c : e.getConstants()) {
            b.addValue(DescriptorProtos.EnumValueDescriptorProto.newBuilder().setName(c.getName())
                    .setNumber(c.getTag()));
        }
        for (OptionElement o : e.getOptions()) {
            if (o.getName().equals("allow_alias")) {
                b.setOptions(DescriptorProtos.EnumOptions.newBuilder()
                        .setAllowAlias(Boolean.parseBoolean(String.valueOf(o.getValue()))));
            }
        }
        return b.build();
    }

    private static Map<String, FileDescriptor> wellKnown() {
        List<FileDescriptor> files = List.of(AnyProto.getDescriptor(), ApiProto.getDescriptor(),
                DurationProto.getDescriptor(), EmptyProto.getDescriptor(), FieldMaskProto.getDescriptor(),
                SourceContextProto.getDescriptor(), StructProto.getDescriptor(), TimestampProto.getDescriptor(),
                TypeProto.getDescriptor(), WrappersProto.getDescriptor(),
                DescriptorProtos.getDescriptor());
        Map<String, FileDescriptor> byName = new java.util.HashMap<>();
        for (FileDescriptor f : files) {
            byName.put(f.getName(), f);
        }
        return Map.copyOf(byName);
    }

    private static RestException invalid(String why) {
        return new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + why);
    }
}
