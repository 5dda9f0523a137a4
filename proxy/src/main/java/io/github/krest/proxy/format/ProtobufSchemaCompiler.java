package io.github.krest.proxy.format;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
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

/**
 * Compiles a registry's {@code .proto} text into a protobuf-java {@link FileDescriptor}, as protoc would: the text is
 * parsed with Square's {@code wire-schema} (the parser Confluent uses too), each message, enum, field, map, oneof
 * and proto3 {@code optional} is turned into its descriptor proto, and the file is linked against the well-known
 * types it imports ({@code google/protobuf/timestamp.proto} etc.). Imports of other files (schema references),
 * extensions, groups and editions are refused with 422/42205.
 */
final class ProtobufSchemaCompiler {
    private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();
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

    private ProtobufSchemaCompiler() {
    }

    /**
     * @param text {@code .proto} text
     * @return the linked file, registered as wire-schema's canonical rendering of the text, writing its first
     *         top-level message
     * @throws RestException 422/42205 when it does not parse, does not link, has no message, or imports files other
     *                       than the well-known types
     */
    static ProtobufConverter.ProtobufSchema compile(String text) {
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
            return new ProtobufConverter.ProtobufSchema(descriptor, element.toSchema(),
                    descriptor.getMessageTypes().get(0));
        } catch (Descriptors.DescriptorValidationException e) {
            throw invalid(e.getMessage());
        }
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
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
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
        Map<String, FileDescriptor> byName = new HashMap<>();
        for (FileDescriptor f : files) {
            byName.put(f.getName(), f);
        }
        return Map.copyOf(byName);
    }

    private static RestException invalid(String why) {
        return new RestException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + why);
    }
}
