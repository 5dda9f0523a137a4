package io.github.krest.proxy.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the protobuf wire format (what Confluent's {@code KafkaProtobufSerializer} writes): magic byte 0,
 * the schema id as 4 bytes big-endian, the message indexes ({@code [0]} as the single byte 0, else a zig-zag varint
 * count and zig-zag varint indexes), then the message bytes; the .proto parsing and the way back to JSON.
 */
class ProtobufFormatTest {
    private static final String SHOP = """
            syntax = "proto3";
            package shop;

            message Order {
              string id = 1;
              int32 qty = 2;
              Line line = 3;
              repeated Line lines = 4;
              Status status = 5;
              map<string, int64> prices = 6;
              optional string note = 7;
              oneof payment {
                string card = 8;
                string voucher = 9;
              }
              message Line {
                string sku = 1;
              }
              enum Status {
                NEW = 0;
                PAID = 1;
              }
            }

            message Customer {
              string name = 1;
              message Address {
                string city = 1;
              }
              message Phone {
                string number = 1;
              }
            }
            """;

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static SchemaFormat format(InMemorySchemaRegistryClient registry) {
        return new SchemaFormat(registry, new ProtobufConverter(), 10);
    }

    @Test
    void firstMessageIsTheSingleByteZeroThenTheMessage() throws Exception {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient(7);
        SchemaFormat format = format(registry);
        SchemaFormat.ResolvedSchema schema = format.resolve("orders-value", Optional.of(SHOP), Optional.empty())
                .orElseThrow();
        assertEquals(7, schema.id());
        assertEquals("PROTOBUF", registry.byId(7).type());
        assertEquals(Optional.of("shop.Order"), schema.schema().name());
        byte[] bytes = format.serialize(schema, json("{\"id\":\"a\",\"qty\":3}"), "records[0].value");
        // magic 0 | id 7 | indexes [0] | field 1 "a" | field 2 varint 3
        assertArrayEquals(hex("00 00000007 00 0a0161 1003"), bytes);
        assertEquals(json("{\"id\":\"a\",\"qty\":3,\"lines\":[],\"status\":\"NEW\",\"prices\":{}}"),
                format.deserialize(bytes));
    }

    @Test
    void nestedMapEnumOneofAndOptionalFields() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        SchemaFormat.ResolvedSchema schema = format.resolve("o", Optional.of(SHOP), Optional.empty())
                .orElseThrow();
        String data = "{\"id\":\"a\",\"line\":{\"sku\":\"s\"},\"lines\":[{\"sku\":\"t\"}],\"status\":\"PAID\","
                + "\"prices\":{\"x\":\"5\"},\"note\":\"\",\"voucher\":\"v\"}";
        byte[] bytes = format.serialize(schema, json(data), "v");
        // line 3 {sku "s"} | lines 4 {sku "t"} | status 5 = 1 | prices 6 {key "x", value 5} | note 7 "" | voucher 9
        assertArrayEquals(hex("00 00000001 00 0a0161 1a030a0173 22030a0174 2801 32050a01781005 3a00 4a0176"),
                bytes);
        assertEquals(json("{\"id\":\"a\",\"qty\":0,\"line\":{\"sku\":\"s\"},\"lines\":[{\"sku\":\"t\"}],"
                + "\"status\":\"PAID\",\"prices\":{\"x\":\"5\"},\"note\":\"\",\"voucher\":\"v\"}"),
                format.deserialize(bytes));
    }

    @Test
    void nonFirstAndNestedMessagesWriteTheirIndexPath() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(258));
        ProtobufConverter.ProtobufSchema schema = (ProtobufConverter.ProtobufSchema) format
                .resolve("c", Optional.of(SHOP), Optional.empty()).orElseThrow().schema();
        Descriptor customer = schema.file().findMessageTypeByName("Customer");
        Descriptor phone = customer.findNestedTypeByName("Phone");
        assertEquals(List.of(1), ProtobufConverter.indexes(customer));
        assertEquals(List.of(1, 1), ProtobufConverter.indexes(phone));
        assertEquals(List.of(0, 0), ProtobufConverter.indexes(schema.message().getNestedTypes().get(0)));

        // [1]: count 1 (zig-zag 02), index 1 (02)
        byte[] second = ConfluentWireFormat.frame(258, ProtobufConverter.messagePayload(customer,
                json("{\"name\":\"n\"}"), "v"));
        assertArrayEquals(hex("00 00000102 02 02 0a016e"), second);
        assertEquals(json("{\"name\":\"n\"}"), format.deserialize(second));

        // [1, 1]: count 2 (04), 1 (02), 1 (02)
        byte[] nested = ConfluentWireFormat.frame(258, ProtobufConverter.messagePayload(phone,
                json("{\"number\":\"5\"}"), "v"));
        assertArrayEquals(hex("00 00000102 04 02 02 0a0135"), nested);
        assertEquals(json("{\"number\":\"5\"}"), format.deserialize(nested));

        // Confluent's serializers may also write [0] in full: count 1, index 0
        assertEquals(json("{\"id\":\"z\",\"qty\":0,\"lines\":[],\"status\":\"NEW\",\"prices\":{}}"),
                format.deserialize(hex("00 00000102 02 00 0a017a")));
    }

    @Test
    void aRequestCanNameTheMessageWritten() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(3));
        SchemaFormat.ResolvedSchema schema = format.resolve("c", Optional.of(SHOP), Optional.empty()).orElseThrow();
        SchemaFormat.ResolvedSchema phone = format.selectMessage(schema, "shop.Customer.Phone");
        assertEquals(Optional.of("shop.Customer.Phone"), phone.schema().name());
        // [1, 1] then field 1 "5"
        byte[] bytes = format.serialize(phone, json("{\"number\":\"5\"}"), "v");
        assertArrayEquals(hex("00 00000003 04 02 02 0a0135"), bytes);
        assertEquals(json("{\"number\":\"5\"}"), format.deserialize(bytes));
        SchemaFormat.ResolvedSchema customer = format.selectMessage(schema, "Customer");
        assertArrayEquals(hex("00 00000003 02 02 0a016e"), format.serialize(customer, json("{\"name\":\"n\"}"), "v"));
        // the schema by id still writes the first message
        assertEquals(Optional.of("shop.Order"), format.byId(3).schema().name());
        RestException unknown = assertThrows(RestException.class, () -> format.selectMessage(schema, "shop.Nope"));
        assertEquals(ErrorCode.BAD_REQUEST, unknown.errorCode());
        assertTrue(unknown.getMessage().contains("shop.Customer.Address"), unknown.getMessage());
        SchemaFormat avro = new SchemaFormat(new InMemorySchemaRegistryClient(1), new AvroConverter(), 10);
        SchemaFormat.ResolvedSchema string = avro.resolve("s", Optional.of("\"string\""), Optional.empty())
                .orElseThrow();
        assertEquals(ErrorCode.BAD_REQUEST, assertThrows(RestException.class,
                () -> avro.selectMessage(string, "x")).errorCode());
    }

    @Test
    void wellKnownTypesCanBeImported() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        SchemaFormat.ResolvedSchema schema = format.resolve("e", Optional.of("""
                syntax = "proto3";
                import "google/protobuf/timestamp.proto";
                message Event {
                  google.protobuf.Timestamp at = 1;
                }
                """), Optional.empty()).orElseThrow();
        byte[] bytes = format.serialize(schema, json("{\"at\":\"1970-01-01T00:00:01Z\"}"), "v");
        // field 1 {seconds 1}
        assertArrayEquals(hex("00 00000001 00 0a020801"), bytes);
        assertEquals(json("{\"at\":\"1970-01-01T00:00:01Z\"}"), format.deserialize(bytes));
        assertEquals(Optional.of("Event"), schema.schema().name());
    }

    @Test
    void dataNotMatchingTheSchemaNamesTheField() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        SchemaFormat.ResolvedSchema schema = format.resolve("o", Optional.of(SHOP), Optional.empty())
                .orElseThrow();
        RestException e = assertThrows(RestException.class,
                () -> format.serialize(schema, json("{\"id\":\"a\",\"qty\":\"many\"}"), "records[2].value"));
        assertEquals(ErrorCode.JSON_CONVERSION, e.errorCode());
        assertTrue(e.getMessage().contains("records[2].value.qty: "), e.getMessage());
        RestException nested = assertThrows(RestException.class,
                () -> format.serialize(schema, json("{\"lines\":[{\"sku\":\"a\"},{\"sku\":[]}]}"), "v"));
        assertTrue(nested.getMessage().contains("v.lines[1].sku: "), nested.getMessage());
        RestException unknown = assertThrows(RestException.class,
                () -> format.serialize(schema, json("{\"nope\":1}"), "v"));
        assertTrue(unknown.getMessage().contains("v.nope: no such field in message shop.Order"),
                unknown.getMessage());
        RestException enumValue = assertThrows(RestException.class,
                () -> format.serialize(schema, json("{\"status\":\"LOST\"}"), "v"));
        assertTrue(enumValue.getMessage().contains("v.status: "), enumValue.getMessage());
    }

    @Test
    void invalidSchemasAre42205() {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        for (String bad : new String[] {"message {", "syntax = \"proto3\"; enum E { A = 0; }",
                "syntax = \"proto3\"; message M { Unknown u = 1; }",
                "syntax = \"proto3\"; import \"other.proto\"; message M { string s = 1; }",
                "syntax = \"proto3\"; message M { string s = 1; int32 t = 1; }"}) {
            RestException e = assertThrows(RestException.class,
                    () -> format.resolve("u", Optional.of(bad), Optional.empty()), bad);
            assertEquals(ErrorCode.INVALID_SCHEMA, e.errorCode(), bad);
            assertTrue(e.getMessage().startsWith("Invalid schema: "), e.getMessage());
        }
    }

    @Test
    void bytesThatDoNotDecodeArePoison() {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        format.resolve("o", Optional.of(SHOP), Optional.empty());
        // indexes [5]: no sixth message
        IllegalArgumentException index = assertThrows(IllegalArgumentException.class,
                () -> format.deserialize(hex("00 00000001 02 0a")));
        assertTrue(index.getMessage().contains("name no message type"), index.getMessage());
        // field 1 says 50 bytes follow, 1 does
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> format.deserialize(hex("00 00000001 00 0a32 61")));
        assertTrue(truncated.getMessage().startsWith("it does not decode"), truncated.getMessage());
    }

    @Test
    void proto2WithRequiredAndDefaults() throws Exception {
        SchemaFormat format = format(new InMemorySchemaRegistryClient(1));
        SchemaFormat.ResolvedSchema schema = format.resolve("p2", Optional.of("""
                syntax = "proto2";
                message Legacy {
                  required string id = 1;
                  optional int32 n = 2 [default = 7];
                  repeated int32 r = 3 [packed = true];
                }
                """), Optional.empty()).orElseThrow();
        byte[] bytes = format.serialize(schema, json("{\"id\":\"x\",\"r\":[1,2]}"), "v");
        // id | r packed: tag 3 wire type 2, length 2, 1, 2
        assertArrayEquals(hex("00 00000001 00 0a0178 1a020102"), bytes);
        RestException missing = assertThrows(RestException.class,
                () -> format.serialize(schema, json("{\"n\":1}"), "v"));
        assertTrue(missing.getMessage().contains("v"), missing.getMessage());
    }
}
