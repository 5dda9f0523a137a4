package io.github.krest.proxy.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Confluent's protobuf message indexes: which message type of the schema file a record holds, written between the
 * wire-format header and the message bytes (Confluent's {@code MessageIndexes}). They are the type's path in the
 * file: its index among the top-level messages, then among each enclosing message's nested types; on the wire a
 * zig-zag varint count, then each index as a zig-zag varint, with the first top-level message {@code [0]} as the
 * single byte {@code 0}.
 */
final class ProtobufMessageIndexes {
    private ProtobufMessageIndexes() {
    }

    /**
     * The path of a message type in its file: its index among the top-level messages, then among each enclosing
     * message's nested types.
     *
     * @param type a message type
     * @return e.g. {@code [0]} for the first top-level message, {@code [1, 0]} for the first nested type of the
     *         second
     */
    static List<Integer> of(Descriptor type) {
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
    static void write(List<Integer> indexes, ByteArrayOutputStream out) {
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

    /**
     * Reads the message indexes at the start of a payload and finds the type they name.
     *
     * @param file the schema file
     * @param in the payload, positioned after the wire-format header; left at the message bytes
     * @return the message type of the record
     * @throws IOException when the indexes do not decode or name no message type of {@code file}
     */
    static Descriptor read(FileDescriptor file, CodedInputStream in) throws IOException {
        return messageAt(file, readIndexes(in));
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
}
