package io.tandem.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControlMessageCodecTest {

    private static ControlMessage decode(byte[] bytes) throws ControlMessageCodec.MalformedMessageException {
        return ControlMessageCodec.decode(bytes, 0, bytes.length);
    }

    @Test
    void shouldRoundTripTypeAndFields() throws Exception {
        ControlMessage message = ControlMessage.of("takeover-request",
                Map.of("group", "web", "reason", "tandemctl takeover", "empty", "", "utf8", "Zürich ✓"));

        assertEquals(message, decode(ControlMessageCodec.encode(message)));
    }

    @Test
    void shouldEncodeEqualMessagesAlike() {
        Map<String, String> one = new HashMap<>();
        one.put("a", "1");
        one.put("b", "2");
        Map<String, String> other = new HashMap<>();
        other.put("b", "2");
        other.put("a", "1");

        assertArrayEquals(ControlMessageCodec.encode(ControlMessage.of("x", one)),
                ControlMessageCodec.encode(ControlMessage.of("x", other)));
    }

    @Test
    void shouldReadTheDocumentedLayout() throws Exception {
        byte[] bytes = {0x54, 1, 1, 0, 2, 'h', 'i', 0, 1, 0, 1, 'k', 0, 1, 'v'};

        assertEquals(ControlMessage.of("hi", Map.of("k", "v")), decode(bytes));
    }

    @Test
    void shouldSkipAMessageOfAnUnknownKind() throws Exception {
        byte[] bytes = ControlMessageCodec.encode(ControlMessage.of("hi"));
        bytes[2] = 9;

        assertNull(decode(bytes));
    }

    @Test
    void shouldRejectBadMagicVersionAndShortInput() {
        byte[] good = ControlMessageCodec.encode(ControlMessage.of("hi", Map.of("k", "v")));
        byte[] badMagic = good.clone();
        badMagic[0] = 0x55;
        byte[] badVersion = good.clone();
        badVersion[1] = 2;

        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(badMagic));
        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(badVersion));
        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(new byte[] {0x54, 1}));
        assertThrows(ControlMessageCodec.MalformedMessageException.class,
                () -> ControlMessageCodec.decode(null, 0, 0));
    }

    @Test
    void shouldRejectEveryTruncation() {
        byte[] good = ControlMessageCodec.encode(ControlMessage.of("hi", Map.of("key", "value")));
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(truncated),
                    "length " + length);
        }
    }

    @Test
    void shouldRejectTrailingBytesAndLengthsThatOverrun() {
        byte[] good = ControlMessageCodec.encode(ControlMessage.of("hi"));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] overrun = good.clone();
        overrun[4] = 100; // type length past the end

        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(trailing));
        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(overrun));
    }

    @Test
    void shouldRejectInvalidUtf8AndInvalidTypes() {
        byte[] badUtf8 = {0x54, 1, 1, 0, 2, 'h', (byte) 0xC3, 0, 0};
        byte[] badType = {0x54, 1, 1, 0, 2, 'H', 'I', 0, 0};

        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(badUtf8));
        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(badType));
    }

    @Test
    void shouldRejectOversizedInputBeforeParsing() {
        byte[] huge = new byte[ControlMessage.MAX_ENCODED_BYTES + 1];
        huge[0] = 0x54;
        huge[1] = 1;
        huge[2] = 1;

        assertThrows(ControlMessageCodec.MalformedMessageException.class, () -> decode(huge));
    }

    @Test
    void shouldRefuseToBuildAMessageThatWouldNotFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControlMessage.of("big", Map.of("blob", "x".repeat(ControlMessage.MAX_ENCODED_BYTES))));
        // 3 header + (2 + 3) type + 2 count + (2 + 4) key + (2 + 8192) value
        assertEquals("control message big: encodes to 8210 bytes, at most 8192", e.getMessage());
    }

    @Test
    void shouldRefuseBadTypesAndNulls() {
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.of(""));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.of("Takeover"));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.of("a b"));
        assertThrows(IllegalArgumentException.class, () -> ControlMessage.of("x".repeat(65)));
        assertThrows(NullPointerException.class, () -> ControlMessage.of(null));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("k", null);
        assertThrows(NullPointerException.class, () -> ControlMessage.of("x", withNull));
    }
}
