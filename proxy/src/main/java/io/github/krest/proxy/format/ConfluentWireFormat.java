package io.github.krest.proxy.format;

import java.nio.ByteBuffer;

/**
 * The framing Confluent's serializers write before the serialized data: magic byte {@code 0}, then the schema id as
 * 4 bytes big-endian, then the payload (Avro binary for avro, UTF-8 JSON text for jsonschema, message indexes and
 * message bytes for protobuf). Apicurio's serdes with the 4-byte id handler write the same.
 */
public final class ConfluentWireFormat {
    /** The first byte of every framed record. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_LENGTH = 5;

    private ConfluentWireFormat() {
    }

    /**
     * @param schemaId registry schema id
     * @param payload serialized data
     * @return header followed by {@code payload}
     */
    public static byte[] frame(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(HEADER_LENGTH + payload.length).put(MAGIC_BYTE).putInt(schemaId).put(payload)
                .array();
    }

    /**
     * @param bytes a framed record
     * @return its schema id
     * @throws IllegalArgumentException when {@code bytes} is shorter than the header or does not start with the
     *                                  magic byte
     */
    public static int schemaId(byte[] bytes) {
        if (bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("it is not in the Confluent wire format (magic byte 0, then a "
                    + "4-byte schema id)");
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }
}
