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

    /** RFC 8785 section 3.2.2's input, and section 3.2.3's canonical output: numbers, string escapes, literals. */
    @Test
    void shouldMatchRfc8785ExampleWhenEventHasNumbersEscapesAndLiterals() {
        final String input = "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                + "  \"literals\": [null, true, false]\n}";

        assertThat(eventOf(AuditChain.canonical(0, 0, 1, input))).isEqualTo("{\"literals\":[null,true,false],"
                + "\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    /** RFC 8785 section 3.2.3's sorting example: keys ordered by their UTF-16 code units, not by code points. */
    @Test
    void shouldSortKeysByUtf16CodeUnitsWhenKeysLeaveTheBasicPlane() {
        final String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With "
                + "Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";

        assertThat(eventOf(AuditChain.canonical(0, 0, 1, input))).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\","
                + "\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
    }

    /** RFC 8785 appendix B: IEEE 754 doubles serialized as ECMAScript does (shortest round trip, exponent form). */
    @Test
    void shouldSerializeNumbersAsRfc8785AppendixBWhenEventHasEdgeDoubles() {
        final String input = "[0, -0, 5e-324, -5e-324, 1.7976931348623157e308, 9007199254740992, -9007199254740992, "
                + "295147905179352825856, 9.999999999999997e22, 1e23, 0.000001, 9.999999999999997e-7, 1e21, 1e-7]";

        assertThat(eventOf(AuditChain.canonical(0, 0, 1, input))).isEqualTo("[0,0,5e-324,-5e-324,"
                + "1.7976931348623157e+308,9007199254740992,-9007199254740992,295147905179352830000,"
                + "9.999999999999997e+22,1e+23,0.000001,9.999999999999997e-7,1e+21,1e-7]");
    }

    /** The canonical event inside a row's canonical envelope {@code {"event":E,"offset":0,"partition":0,"seq":1}}. */
    private static String eventOf(final byte[] canonicalRow) {
        final String row = new String(canonicalRow, StandardCharsets.UTF_8);
        assertThat(row).startsWith("{\"event\":").endsWith(",\"offset\":0,\"partition\":0,\"seq\":1}");
        return row.substring("{\"event\":".length(), row.length() - ",\"offset\":0,\"partition\":0,\"seq\":1}".length());
    }

    private static final String EXPECTED_FIRST_HASH =
            "fd6ac2b61e165b140fb778f9a426546446b790daf85c8eeb343299463d201178";
}
