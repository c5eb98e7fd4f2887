package io.otppipeline.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration every module uses for Kafka payloads and HTTP bodies.
 *
 * <p>{@link #mapper()} writes instants as RFC 3339 strings (UTC, at most millisecond precision when built from
 * epoch milliseconds): the public events (CloudEvents), the HTTP API. {@link #internalMapper()} writes them as
 * decimal epoch seconds with nine digits of nanoseconds ({@code 1733047800.123456789}, exact), for the records
 * only this project's services read (docs/ARCHITECTURE.md section 4): parsing an RFC 3339 string with
 * {@code DateTimeFormatter} was 7 % of otp-api's samples and 9 % of the processor's stream thread on issuance
 * (issue 14's profile); with decimals a reply is written and read in about 40 % less time. Both mappers read
 * both forms, so records written by an older version stay readable. {@code null} fields are left out, and unknown
 * fields are rejected so that a malformed command goes to a dead-letter topic instead of being half-understood.
 */
public final class Json {

    private static final ObjectMapper MAPPER = builder()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static final ObjectMapper INTERNAL = builder()
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .build();

    private Json() {
    }

    /** The shared, thread-safe mapper of public payloads (instants as RFC 3339). Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The shared, thread-safe mapper of internal records (instants as decimal epoch seconds, exact to the
     * nanosecond); reads RFC 3339 instants too. Do not reconfigure it.
     */
    public static ObjectMapper internalMapper() {
        return INTERNAL;
    }

    private static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL);
    }
}
