package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    @Test
    void shouldSortKeysAndDropWhitespaceWhenEventIsCanonicalized() {
        final byte[] canonical = AuditChain.canonical(2, 41, 7, "{ \"type\": \"otp.issued\",\n \"id\": \"e1\" }");

        assertThat(new String(canonical, StandardCharsets.UTF_8))
                .isEqualTo("{\"event\":{\"id\":\"e1\",\"type\":\"otp.issued\"},\"offset\":41,\"partition\":2,\"seq\":7}");
    }

    @Test
    void shouldMatchDocumentedExampleWhenFirstRowIsHashed() {
        final AuditChain.Head head = AuditChain.append(AuditChain.genesis(), 2, 41, "{\"id\":\"e1\",\"type\":\"otp.issued\"}");

        // docs/EVENTS.md, "The hash chain": the same value computed with Python's hashlib
        assertThat(head.seq()).isEqualTo(1);
        assertThat(head.hashHex()).isEqualTo(EXPECTED_FIRST_HASH);
    }

    @Test
    void shouldChangeHashWhenPositionChanges() {
        final String event = "{\"id\":\"e1\"}";
        final byte[] here = AuditChain.append(AuditChain.genesis(), 0, 5, event).hash();

        assertThat(AuditChain.append(AuditChain.genesis(), 0, 6, event).hash()).isNotEqualTo(here);
        assertThat(AuditChain.append(AuditChain.genesis(), 1, 5, event).hash()).isNotEqualTo(here);
        assertThat(AuditChain.append(new AuditChain.Head(0, HexFormat.of().parseHex("01".repeat(32))), 0, 5, event)
                .hash()).isNotEqualTo(here);
    }

    private static final String EXPECTED_FIRST_HASH =
            "fd6ac2b61e165b140fb778f9a426546446b790daf85c8eeb343299463d201178";
}
